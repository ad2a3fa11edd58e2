// Offline search over the site's own index (search-index/, written by kg/search.py at `kg site`).
// Chinese has no spaces: text is indexed by character pairs (政策解读 → 政策 策解 解读) and single
// characters. A query fetches only the posting shards of its terms, intersects them, then checks each
// candidate's text for the whole query words, so every result contains them exactly.
// normalise, bigrams, queryTerms and termHash mirror kg/search.py: keep them in step.
const siteRoot = new URL("../", import.meta.url);
const indexRoot = new URL("search-index/", siteRoot);
const PAGE_SIZE = 20;
const VERIFY_ALL_SHARDS = 16; // check every candidate up front when they lie in at most this many document shards
const SNIPPET_RADIUS = 40; // characters shown either side of the first match
const WORD = /^[\p{L}\p{N}]$/u;

// --- pure: the same tokenising as kg/search.py ------------------------------------------------
export function normalise(text) {
  return text.normalize("NFKC").toLowerCase().replace(/\s+/gu, " ").trim();
}

export function bigrams(text) {
  const chars = Array.from(text);
  const out = new Set();
  for (let i = 0; i + 1 < chars.length; i++) {
    if (WORD.test(chars[i]) && WORD.test(chars[i + 1])) out.add(chars[i] + chars[i + 1]);
  }
  return out;
}

export function queryTerms(word) {
  const w = normalise(word);
  const pairs = bigrams(w);
  if (pairs.size) return [...pairs];
  return [...new Set(Array.from(w).filter((c) => WORD.test(c)))];
}

export function termHash(term) {
  let h = 0x811c9dc5; // FNV-1a, 32 bits, over code points
  for (const ch of term) {
    h ^= ch.codePointAt(0);
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h >>> 0;
}

// A word of one or two letters is its own index term: its postings are the exact answer.
function isExactWord(word) {
  const chars = Array.from(word);
  return chars.length <= 2 && chars.every((c) => WORD.test(c));
}

function intersect(a, b) {
  const out = [];
  let i = 0;
  let j = 0;
  while (i < a.length && j < b.length) {
    if (a[i] === b[j]) {
      out.push(a[i]);
      i++;
      j++;
    } else if (a[i] < b[j]) i++;
    else j++;
  }
  return out;
}

// --- fetching the index (each file once) ------------------------------------------------------
const files = new Map();

function fetchJson(path) {
  let found = files.get(path);
  if (!found) {
    found = fetch(new URL(path, indexRoot)).then((r) => {
      if (!r.ok) throw new Error(`${path}: HTTP ${r.status}`);
      return r.json();
    });
    found.catch(() => files.delete(path)); // a failed fetch may be retried
    files.set(path, found);
  }
  return found;
}

const loadMeta = () => fetchJson("meta.json");

async function postings(term) {
  const meta = await loadMeta();
  const table = await fetchJson(`t/${termHash(term) % meta.termShards}.json`);
  const gaps = Object.hasOwn(table, term) ? table[term] : [];
  const ids = new Array(gaps.length);
  let id = 0;
  for (let i = 0; i < gaps.length; i++) {
    id += gaps[i];
    ids[i] = id;
  }
  return ids;
}

async function loadDoc(meta, id) {
  const shard = Math.floor(id / meta.docsPerShard);
  const rows = await fetchJson(`d/${shard}.json`);
  const [url, title, kind, text] = rows[id - shard * meta.docsPerShard];
  return { id, url: new URL(url, siteRoot).href, path: url, title, kind: meta.kinds[kind], text };
}

// --- searching ---------------------------------------------------------------------------------
class Results {
  constructor(meta, words, candidates, exact) {
    this.meta = meta;
    this.words = words; // normalised; every one must occur in the title or the text
    this.candidates = candidates; // document ids holding every term, best ranked first
    this.exact = exact; // the candidates are the answer (no word longer than its own term)
    this.cursor = 0;
    this.found = [];
  }

  get complete() {
    return this.cursor >= this.candidates.length;
  }

  // The number of results when known; null while unchecked candidates remain.
  get count() {
    if (this.exact) return this.candidates.length;
    return this.complete ? this.found.length : null;
  }

  matches(doc) {
    const title = normalise(doc.title);
    const text = normalise(doc.text);
    return this.words.every((w) => title.includes(w) || text.includes(w));
  }

  // The first n results, checking candidates in order until there are n or none is left.
  async take(n) {
    while (this.found.length < n && !this.complete) {
      const size = Math.min(Math.max(n - this.found.length, PAGE_SIZE), this.candidates.length - this.cursor);
      const batch = this.candidates.slice(this.cursor, this.cursor + size);
      this.cursor += batch.length;
      const docs = await Promise.all(batch.map((id) => loadDoc(this.meta, id)));
      for (const doc of docs) if (this.exact || this.matches(doc)) this.found.push(doc);
    }
    return this.found.slice(0, n);
  }

  all() {
    return this.take(Infinity);
  }

  // Few document shards to read: check them all now, so the count is exact.
  async settle() {
    const shards = new Set(this.candidates.map((id) => Math.floor(id / this.meta.docsPerShard)));
    if (!this.exact && shards.size <= VERIFY_ALL_SHARDS) await this.all();
  }
}

export async function search(query) {
  const meta = await loadMeta();
  const words = [...new Set(normalise(query).split(" "))].filter((w) => queryTerms(w).length > 0);
  if (words.length === 0) return new Results(meta, [], [], true);
  const terms = [...new Set(words.flatMap(queryTerms))];
  const lists = await Promise.all(terms.map(postings));
  lists.sort((a, b) => a.length - b.length);
  let candidates = lists[0];
  for (const list of lists.slice(1)) candidates = intersect(candidates, list);
  const results = new Results(meta, words, candidates, words.every(isExactWord));
  await results.settle();
  return results;
}

// Every result of a query (for tests and scripts).
export async function searchAll(query) {
  return (await search(query)).all();
}

// --- the page ----------------------------------------------------------------------------------
// Text nodes and <mark> elements only: nothing from the index is ever parsed as HTML.
function snippet(text, words) {
  const lower = text.toLowerCase();
  const sameLength = lower.length === text.length;
  const hits = sameLength ? words.map((w) => lower.indexOf(w)).filter((i) => i >= 0) : [];
  const first = hits.length ? Math.min(...hits) : 0;
  const start = Math.max(0, first - SNIPPET_RADIUS);
  const end = Math.min(text.length, first + SNIPPET_RADIUS * 2);
  const parts = [];
  if (start > 0) parts.push(document.createTextNode("…"));
  let at = start;
  while (sameLength && at < end) {
    let next = -1;
    let word = "";
    for (const w of words) {
      const i = lower.indexOf(w, at);
      if (i >= 0 && i < end && (next < 0 || i < next)) [next, word] = [i, w];
    }
    if (next < 0) break;
    parts.push(document.createTextNode(text.slice(at, next)));
    const mark = document.createElement("mark");
    mark.textContent = text.slice(next, next + word.length);
    parts.push(mark);
    at = next + word.length;
  }
  parts.push(document.createTextNode(text.slice(at, end)));
  if (end < text.length) parts.push(document.createTextNode("…"));
  return parts;
}

function resultItem(doc, words) {
  const item = document.createElement("li");
  const kind = document.createElement("span");
  kind.className = "result-kind";
  kind.textContent = doc.kind;
  const link = document.createElement("a");
  link.href = doc.url;
  link.textContent = doc.title || doc.path;
  const excerpt = document.createElement("p");
  excerpt.className = "excerpt";
  excerpt.append(...snippet(doc.text, words));
  item.append(kind, " ", link, excerpt);
  return item;
}

function countLine(results, query) {
  const n = results.count;
  if (n !== null) return `${n} 条结果 ${n} results for “${query}”`;
  return `至少 ${results.found.length} 条、至多 ${results.candidates.length} 条结果 `
    + `at least ${results.found.length}, at most ${results.candidates.length} results for “${query}”`;
}

function wirePage(form, input, statusLine, list, more) {
  let current = null;

  async function showMore() {
    const results = current.results;
    more.hidden = true;
    const shown = list.children.length;
    const docs = await results.take(shown + PAGE_SIZE);
    if (current.results !== results) return; // a newer search started meanwhile
    list.append(...docs.slice(shown).map((doc) => resultItem(doc, results.words)));
    statusLine.textContent = countLine(results, current.query);
    more.hidden = results.complete && results.found.length <= list.children.length;
  }

  async function run(query) {
    list.replaceChildren();
    more.hidden = true;
    if (!query.trim()) {
      statusLine.textContent = "";
      return;
    }
    statusLine.textContent = "搜索中… Searching…";
    let results;
    try {
      results = await search(query);
    } catch (error) {
      statusLine.textContent = "搜索索引不可用（请运行 kg site）。Search index not available (run kg site).";
      return;
    }
    current = { query, results };
    await showMore();
  }

  form.addEventListener("submit", (event) => {
    event.preventDefault();
    const query = input.value;
    const url = new URL(window.location.href);
    url.searchParams.set("q", query);
    window.history.replaceState(null, "", url);
    run(query);
  });
  more.addEventListener("click", () => showMore());
  const initial = new URLSearchParams(window.location.search).get("q");
  if (initial) {
    input.value = initial;
    run(initial);
  }
}

const form = document.getElementById("search-form");
if (form) {
  wirePage(form, document.getElementById("search-input"), document.getElementById("search-status"),
    document.getElementById("search-results"), document.getElementById("search-more"));
}
