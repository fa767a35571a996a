// Client-side search over window.SEARCH_INDEX (built by scripts/docs.mjs): guide pages,
// their headings, example programs and every API symbol. No network, works from file://.
(() => {
  const input = document.getElementById('search');
  const list = document.getElementById('search-results');
  const root = document.body.dataset.root || './';
  const index = window.SEARCH_INDEX || [];
  function score(entry, words) {
    const t = entry.t.toLowerCase();
    const x = (entry.x || '').toLowerCase();
    let total = 0;
    for (const w of words) {
      if (t === w) total += 20;
      else if (t.startsWith(w)) total += 12;
      else if (t.includes(w)) total += 8;
      else if (x.includes(w)) total += 2;
      else return 0;
    }
    return total;
  }
  function render(query) {
    const words = query.toLowerCase().split(/\s+/).filter(Boolean);
    list.textContent = '';
    if (words.length === 0) {
      list.hidden = true;
      return;
    }
    const hits = index
      .map((e) => ({ e, s: score(e, words) }))
      .filter((h) => h.s > 0)
      .sort((a, b) => b.s - a.s || a.e.t.length - b.e.t.length)
      .slice(0, 12);
    for (const { e } of hits) {
      const li = document.createElement('li');
      const a = document.createElement('a');
      a.href = root + e.u;
      a.textContent = e.t;
      const small = document.createElement('small');
      small.textContent = e.s;
      a.appendChild(small);
      li.appendChild(a);
      list.appendChild(li);
    }
    if (hits.length === 0) {
      const li = document.createElement('li');
      li.textContent = 'No results';
      li.style.padding = '.3rem .8rem';
      list.appendChild(li);
    }
    list.hidden = false;
  }
  input.addEventListener('input', () => render(input.value));
  input.addEventListener('keydown', (ev) => {
    if (ev.key === 'Enter') {
      const first = list.querySelector('a');
      if (first) window.location.href = first.href;
    } else if (ev.key === 'Escape') {
      input.value = '';
      render('');
    }
  });
  const q = new URLSearchParams(window.location.search).get('q');
  if (q) {
    input.value = q;
    render(q);
  }
})();
