"""The home, dataset, ontology-documentation and search pages."""

from __future__ import annotations

from typing import Any

from kg import vocab as V
from kg.pages.facts import Row, first, group_by, values
from kg.pages.model import Context, SCHEMA_ORG, SiteModel
from kg.pages.paths import ONTOLOGY_IRI
from kg.pages.requirements import requirement_index
from kg.pages.validation import validation_summary
from kg.vocab import Minter

OWL = str(V.OWL)
TERM_SECTIONS = (("Class", "类", "Classes"), ("ObjectProperty", "对象属性", "Object properties"),
                 ("DatatypeProperty", "数据属性", "Datatype properties"),
                 ("AnnotationProperty", "注释属性", "Annotation properties"),
                 ("NamedIndividual", "个体", "Individuals"))
COUNTED = ("plan", "requirement", "agency", "document", "type", "region")


# --- home --------------------------------------------------------------------------------------------
def home_members(model: SiteModel) -> list[str]:
    return [model.paths.base]


def build_home(model: SiteModel) -> list[Context]:
    """Plans, counts by kind, search box and the ways into the data."""
    if not model.mine(model.paths.base):
        return []
    index = requirement_index(model)
    counts: dict[str, int] = {}
    for req in index.values():
        counts[req["plan"]["iri"]] = counts.get(req["plan"]["iri"], 0) + 1
    plans = [{"ref": model.ref(r["plan"], r["title"]), "year": r.get("year"), "kind_zh": r.get("kindZh"),
              "kind_en": r.get("kindEn"), "region": model.ref(r.get("region")),
              "count": counts.get(r["plan"], 0)}
             for r in _first_rows(model.facts.rows("plans"), "plan")]
    totals = {kind: len(model.paths_of(kind)) for kind in COUNTED}
    dataset = Minter(model.paths.base).dataset()
    page = model.page("home", model.paths.base, "政务公开工作要点知识图谱",
                      title_en="Knowledge graph of open-government work plans", plans=plans, totals=totals,
                      dataset=model.ref(str(dataset)), sparql=model.paths.base + "sparql",
                      jsonld={"@context": SCHEMA_ORG, "@type": "WebSite", "@id": model.paths.base,
                              "name": "政务公开工作要点知识图谱", "inLanguage": "zh",
                              "about": {"@type": "Dataset", "@id": str(dataset)}})
    page["alternates"] = [{"href": "void.ttl", "media": "text/turtle", "label": "VoID (Turtle)"}]
    return [page]


def _first_rows(rows: list[Row], key: str) -> list[Row]:
    return [group[0] for group in group_by(rows, key).values()]


# --- dataset -----------------------------------------------------------------------------------------
def dataset_members(model: SiteModel) -> list[str]:
    iri = str(Minter(model.paths.base).dataset())
    return [iri] if iri in values(model.facts.rows("dataset"), "dataset") else []


def build_dataset(model: SiteModel) -> list[Context]:
    """Licence, sources, VoID statistics and partitions, dumps, ontology and validation summary."""
    pages = []
    for iri in dataset_members(model):
        if not model.mine(iri):
            continue
        rows = [r for r in model.facts.rows("dataset") if r["dataset"] == iri]
        by_p = group_by(rows, "p")
        text = {(r["p"], r.get("lang", "")): r["o"] for r in rows}
        stats = {name: first(by_p.get(str(V.VOID[name]), []), "o") for name in
                 ("triples", "distinctSubjects", "distinctObjects", "classes", "properties")}
        parts = [r for r in model.facts.rows("partitions") if r["dataset"] == iri]
        site_dir = model.site_dir
        dumps = [{"href": r["o"][len(model.paths.base):], "name": r["o"].rsplit("/", 1)[-1],
                  "media": r.get("mediaType"), "size": _size(site_dir / r["o"][len(model.paths.base):])}
                 for r in by_p.get(str(V.VOID.dataDump), []) if r["o"].startswith(model.paths.base)]
        title = text.get((str(V.DCTERMS.title), "zh"), "数据集")
        fields = {
            "dataset": {"title": title, "title_en": text.get((str(V.DCTERMS.title), "en")),
                        "description": text.get((str(V.DCTERMS.description), "en")),
                        "licence": model.ref(first(by_p.get(str(V.DCTERMS.license), []), "o")), **stats},
            "sources": [model.source_ref(s) for s in model.sources],
            "classes": [{"ref": model.ref(r["class"]), "count": r["count"], "anchor": _anchor(r["partition"])}
                        for r in parts if "class" in r],
            "properties": [{"ref": model.ref(r["property"]), "count": r["count"],
                            "anchor": _anchor(r["partition"])} for r in parts if "property" in r],
            "dumps": dumps, "validation": validation_summary(model), "sparql": model.paths.base + "sparql",
        }
        jsonld = {"@context": SCHEMA_ORG, "@type": "Dataset", "@id": iri, "name": title,
                  "alternateName": fields["dataset"]["title_en"], "inLanguage": "zh",
                  "description": fields["dataset"]["description"],
                  "license": fields["dataset"]["licence"]["iri"] if fields["dataset"]["licence"] else None,
                  "distribution": [{"@type": "DataDownload", "contentUrl": model.paths.base + d["href"],
                                    "encodingFormat": d["media"]} for d in dumps]}
        pages.append(model.page("dataset", iri, title, title_en=fields["dataset"]["title_en"],
                                jsonld={k: v for k, v in jsonld.items() if v}, **fields))
    return pages


def _anchor(partition: str) -> str:
    kind, name = partition.rsplit("/", 2)[-2:]
    return f"{kind}-{name}"


def _size(path) -> int | None:
    try:
        return path.stat().st_size
    except OSError:
        return None


# --- ontology ----------------------------------------------------------------------------------------
def ontology_members(model: SiteModel) -> list[str]:
    return [ONTOLOGY_IRI]


def build_ontology(model: SiteModel) -> list[Context]:
    """Every term of zw: in zh and en, the ontology headers, and the requirement-type scheme as a tree."""
    if not model.mine(ONTOLOGY_IRI):
        return []
    axioms = group_by(model.facts.rows("ontology-axioms"), "term")
    terms = group_by(model.facts.rows("ontology-terms"), "term")
    sections = []
    for local_kind, zh, en in TERM_SECTIONS:
        items = []
        for iri, rows in terms.items():
            if OWL + local_kind not in values(rows, "kind"):
                continue
            if local_kind == "NamedIndividual" or OWL + "NamedIndividual" not in values(rows, "kind"):
                items.append(_term(model, iri, rows, axioms.get(iri, [])))
        sections.append({"id": local_kind, "zh": zh, "en": en, "terms": items})
    page = model.page("ontology", ONTOLOGY_IRI, "本体文档", title_en="Ontology documentation",
                      headers=_headers(model), sections=sections, scheme=_scheme(model), namespace=str(V.ZW),
                      jsonld={"@context": SCHEMA_ORG, "@type": "DefinedTermSet",
                              "@id": ONTOLOGY_IRI, "name": "政务公开工作要点本体",
                              "inLanguage": ["zh", "en"]})
    page["alternates"] = [{"href": "ontology.ttl", "media": "text/turtle", "label": "Turtle"}]
    return [page]


def _term(model: SiteModel, iri: str, rows: list[Row], axioms: list[Row]) -> dict[str, Any]:
    by_p = group_by(axioms, "p")
    refs = {name: [model.ref(o) for o in values(by_p.get(str(prop), []), "o")] for name, prop in (
        ("super", V.RDFS.subClassOf), ("superprop", V.RDFS.subPropertyOf), ("domain", V.RDFS.domain),
        ("range", V.RDFS.range), ("inverse", V.OWL.inverseOf), ("types", V.RDF.type),
        ("disjoint", V.OWL.disjointWith))}
    local = iri[len(str(V.ZW)):]
    return {"iri": iri, "local": local, "curie": "zw:" + local, "label_zh": first(rows, "labelZh"),
            "label_en": first(rows, "labelEn"), "def_zh": first(rows, "defZh") or first(rows, "commentZh"),
            "def_en": first(rows, "defEn") or first(rows, "commentEn"), **refs}


def _headers(model: SiteModel) -> list[dict[str, Any]]:
    out = []
    for iri, rows in group_by(model.facts.rows("ontology"), "ontology").items():
        text = {(r["p"].rsplit("/", 1)[-1].rsplit("#", 1)[-1], r.get("lang", "")): r["o"] for r in rows}
        out.append({"iri": iri, "title_zh": text.get(("title", "zh")), "title_en": text.get(("title", "en")),
                    "description_zh": text.get(("description", "zh")) or text.get(("definition", "zh")),
                    "description_en": text.get(("description", "en")) or text.get(("definition", "en")),
                    "version": text.get(("versionInfo", "")),
                    "licence": model.ref(text.get(("license", "")))})
    return out


def _scheme(model: SiteModel) -> list[dict[str, Any]]:
    """Top concepts with their narrower concepts, in notation order."""
    rows = _first_rows(model.facts.rows("types"), "type")
    nodes = {r["type"]: {"ref": model.ref(r["type"], r.get("zh")), "en": r.get("en"),
                         "notation": r.get("notation"), "broader": r.get("broader"), "children": []}
             for r in rows}
    top = []
    for node in nodes.values():
        parent = nodes.get(node["broader"] or "")
        (parent["children"] if parent else top).append(node)
    return top


# --- search ------------------------------------------------------------------------------------------
def search_members(model: SiteModel) -> list[str]:
    return [model.paths.base + "search"]


def build_search(model: SiteModel) -> list[Context]:
    if not model.mine(model.paths.base + "search"):
        return []
    page = model.page("search", model.paths.base + "search", "搜索", title_en="Search", jsonld=None)
    page["alternates"] = []
    return [page]
