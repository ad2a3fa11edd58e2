"""Run the server from KG_* environment variables (used by tests until `kg serve` wires the same call)."""

from kg.serve.app import run_server
from kg.serve.settings import ServeSettings

if __name__ == "__main__":
    run_server(ServeSettings.build())
