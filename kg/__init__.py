"""kg: lift Chinese open-government work plans (政务公开工作要点 / 分工方案) into linked data."""

__version__ = "0.1.0"
