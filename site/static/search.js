// Offline search over the site's pagefind index (built into pagefind/ by `kg site`).
// Result links are made relative to the site root, so the search works from any folder of any host.
const form = document.getElementById("search-form");
const input = document.getElementById("search-input");
const statusLine = document.getElementById("search-status");
const list = document.getElementById("search-results");
const siteRoot = new URL("../", import.meta.url);

let engine = null;

async function loadEngine() {
  if (engine === null) {
    engine = await import(new URL("pagefind/pagefind.js", siteRoot).href);
    await engine.options({ baseUrl: siteRoot.pathname, excerptLength: 40 });
  }
  return engine;
}

function resultItem(data) {
  const item = document.createElement("li");
  const link = document.createElement("a");
  link.href = data.url;
  link.textContent = data.meta.title || data.url;
  const kind = document.createElement("span");
  kind.className = "result-kind";
  kind.textContent = data.meta.kind || "";
  const excerpt = document.createElement("p");
  excerpt.className = "excerpt";
  excerpt.innerHTML = data.excerpt; // pagefind escapes the page text and adds only <mark>
  item.append(kind, link, excerpt);
  return item;
}

async function runSearch(query) {
  list.replaceChildren();
  if (!query.trim()) {
    statusLine.textContent = "";
    return;
  }
  statusLine.textContent = "搜索中… Searching…";
  let pf;
  try {
    pf = await loadEngine();
  } catch (error) {
    statusLine.textContent = "搜索索引不可用（请运行 kg site）。Search index not available (run kg site).";
    return;
  }
  const search = await pf.search(query);
  const shown = await Promise.all(search.results.slice(0, 50).map((r) => r.data()));
  list.replaceChildren(...shown.map(resultItem));
  statusLine.textContent = `${search.results.length} 条结果 results for “${query}”`;
}

form.addEventListener("submit", (event) => {
  event.preventDefault();
  const query = input.value;
  const url = new URL(window.location.href);
  url.searchParams.set("q", query);
  window.history.replaceState(null, "", url);
  runSearch(query);
});

const initial = new URLSearchParams(window.location.search).get("q");
if (initial) {
  input.value = initial;
  runSearch(initial);
}
