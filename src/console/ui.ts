/**
 * The console's web UI: one self-contained page (no CDN, no build step), which
 * pulls `/api/snapshot` (live) or `/api/frames` + `/api/snapshot?frame=i`
 * (replay of a recording).
 * @internal
 */
export const UI_HTML = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>tokio-ts console</title>
<meta name="viewport" content="width=device-width, initial-scale=1">
<link rel="icon" href="data:,">
<style>
:root { --fg:#1d2126; --muted:#5b6470; --accent:#b3461f; --line:#e3ded7; --side:#f6f4f1; --warn:#a15c00; }
* { box-sizing: border-box; }
body { margin:0; font:14px/1.5 system-ui, sans-serif; color:var(--fg); }
header { display:flex; gap:1rem; align-items:center; padding:.5rem 1rem; border-bottom:1px solid var(--line); }
header h1 { font-size:1.1rem; margin:0; color:var(--accent); }
header .stats { color:var(--muted); font-size:.85rem; flex:1; }
button, select, input { font:inherit; padding:.2rem .5rem; }
nav.tabs { display:flex; gap:.2rem; padding:0 1rem; border-bottom:1px solid var(--line); }
nav.tabs button { border:none; background:none; padding:.5rem .8rem; cursor:pointer; border-bottom:2px solid transparent; }
nav.tabs button.on { border-bottom-color:var(--accent); color:var(--accent); font-weight:600; }
main { display:grid; grid-template-columns:minmax(0,1fr) 26rem; gap:0; }
section { padding:.8rem 1rem; overflow:auto; max-height:calc(100vh - 6.5rem); }
aside { border-left:1px solid var(--line); padding:.8rem 1rem; background:var(--side); overflow:auto; max-height:calc(100vh - 6.5rem); }
table { border-collapse:collapse; width:100%; font-size:.85rem; }
th, td { text-align:left; padding:.25rem .5rem; border-bottom:1px solid var(--line); white-space:nowrap; }
th { cursor:pointer; user-select:none; background:#fff; position:sticky; top:0; }
tr.row { cursor:pointer; } tr.row:hover { background:var(--side); } tr.sel { background:#fbe9e2; }
.state-idle { color:var(--muted); } .state-running, .state-scheduled { color:#1a7f37; } .state-done { color:#999; }
.hist { display:flex; align-items:flex-end; gap:2px; height:80px; margin:.5rem 0; }
.hist div { flex:1; background:var(--accent); min-height:1px; }
.warn { border-left:3px solid var(--warn); background:#fff7e6; padding:.4rem .6rem; margin:.4rem 0; }
.tree ul { list-style:none; padding-left:1.2rem; margin:0; } .tree li { padding:.1rem 0; }
.muted { color:var(--muted); }
#timeline { display:none; align-items:center; gap:.5rem; padding:.3rem 1rem; border-bottom:1px solid var(--line); }
#timeline input { flex:1; }
dl { display:grid; grid-template-columns:8rem 1fr; gap:.2rem .6rem; margin:.5rem 0; } dt { color:var(--muted); } dd { margin:0; word-break:break-word; }
</style></head><body>
<header><h1>tokio-ts console</h1><span class="stats" id="stats">connecting…</span>
<button id="pause">Pause</button></header>
<div id="timeline"><span>Recording</span><input id="frame" type="range" min="0" value="0"><span id="frameLabel"></span></div>
<nav class="tabs" id="tabs">
<button data-tab="tasks" class="on">Tasks</button><button data-tab="tree">Task tree</button>
<button data-tab="resources">Resources</button><button data-tab="warnings">Warnings <span id="wcount"></span></button>
<button data-tab="runtime">Runtime</button></nav>
<main><section id="view"></section><aside id="detail"><p class="muted">Select a task to see its detail.</p></aside></main>
<script>
(() => {
  let snap = null, tab = 'tasks', paused = false, selected = null, sortKey = 'id', sortDir = 1;
  let stateFilter = 'live', textFilter = '', kindFilter = '', replay = null;
  const $ = (id) => document.getElementById(id);
  const esc = (s) => String(s ?? '').replace(/[&<>"]/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;' })[c]);
  const ms = (v) => v < 1 ? (v * 1000).toFixed(0) + ' µs' : v < 1000 ? v.toFixed(1) + ' ms' : (v / 1000).toFixed(2) + ' s';
  const name = (t) => t ? (t.name ? esc(t.name) + ' <span class="muted">#' + t.id + '</span>' : 'task #' + t.id) : '';
  async function load() {
    if (paused && snap) return;
    const url = replay ? 'api/snapshot?frame=' + $('frame').value : 'api/snapshot';
    const r = await fetch(url);
    if (!r.ok) return;
    snap = await r.json();
    render();
  }
  function byId(id) { return snap.tasks.find((t) => t.id === id); }
  function render() {
    const rt = snap.runtime;
    $('stats').textContent = rt.aliveTasks + ' tasks alive · ' + rt.spawnedTasks + ' spawned · ' + rt.polls + ' polls · queue ' + rt.queueDepth +
      ' · timers ' + rt.timers + ' · loop delay p99 ' + ms(rt.eventLoopDelay.p99Ms);
    $('wcount').textContent = snap.warnings.length ? '(' + snap.warnings.length + ')' : '';
    const v = $('view');
    if (tab === 'tasks') v.innerHTML = tasksView();
    else if (tab === 'tree') v.innerHTML = treeView();
    else if (tab === 'resources') v.innerHTML = resourcesView();
    else if (tab === 'warnings') v.innerHTML = warningsView();
    else v.innerHTML = runtimeView();
    renderDetail();
  }
  function tasksView() {
    let rows = snap.tasks.filter((t) => stateFilter === 'all' || (stateFilter === 'live' ? t.state !== 'done' : t.state === stateFilter));
    if (textFilter) rows = rows.filter((t) => (String(t.id) + ' ' + (t.name || '') + ' ' + (t.waitingOn || '') + ' ' + (t.location || '')).toLowerCase().includes(textFilter));
    rows.sort((a, b) => { const x = a[sortKey] ?? '', y = b[sortKey] ?? ''; return (x < y ? -1 : x > y ? 1 : 0) * sortDir; });
    const cols = [['id', 'ID'], ['name', 'Name'], ['state', 'State'], ['polls', 'Polls'], ['busyMs', 'Busy'], ['scheduledMs', 'Scheduled'], ['idleMs', 'Idle'], ['waitingOn', 'Waiting on'], ['location', 'Location']];
    let h = '<p><select id="stateFilter">' + ['live', 'all', 'running', 'scheduled', 'idle', 'done'].map((s) => '<option' + (s === stateFilter ? ' selected' : '') + '>' + s + '</option>').join('') +
      '</select> <input id="textFilter" placeholder="filter by name, id, wait, location" value="' + esc(textFilter) + '" size="36"> <span class="muted">' + rows.length + ' tasks</span></p>';
    h += '<table id="tasks"><thead><tr>' + cols.map(([k, l]) => '<th data-sort="' + k + '">' + l + (sortKey === k ? (sortDir > 0 ? ' ▲' : ' ▼') : '') + '</th>').join('') + '</tr></thead><tbody>';
    for (const t of rows.slice(0, 2000)) {
      h += '<tr class="row' + (t.id === selected ? ' sel' : '') + '" data-id="' + t.id + '"><td>' + t.id + '</td><td>' + esc(t.name || (t.kind !== 'task' ? '(' + t.kind + ')' : '')) + '</td><td class="state-' + t.state + '">' + t.state +
        '</td><td>' + t.polls + '</td><td>' + ms(t.busyMs) + '</td><td>' + ms(t.scheduledMs) + '</td><td>' + ms(t.idleMs) + '</td><td>' + esc(t.waitingOn) + '</td><td class="muted">' + esc(t.location) + '</td></tr>';
    }
    return h + '</tbody></table>';
  }
  function treeView() {
    const kids = new Map();
    const ids = new Set(snap.tasks.map((t) => t.id));
    for (const t of snap.tasks) { const p = ids.has(t.parent) ? t.parent : null; if (!kids.has(p)) kids.set(p, []); kids.get(p).push(t); }
    const walk = (p, depth) => '<ul>' + (kids.get(p) || []).filter((t) => t.state !== 'done' || depth === 0 && false || stateFilter === 'all').map((t) =>
      '<li><a href="#" data-id="' + t.id + '">' + name(t) + '</a> <span class="state-' + t.state + '">' + t.state + '</span> <span class="muted">' + esc(t.kind !== 'task' ? t.kind : '') + ' ' + esc(t.waitingOn) + '</span>' + (depth < 30 ? walk(t.id, depth + 1) : '') + '</li>').join('') + '</ul>';
    return '<div class="tree">' + walk(null, 0) + '</div>';
  }
  function resourcesView() {
    const kinds = [...new Set(snap.resources.map((r) => r.kind))].sort();
    const links = (ids) => (ids || []).map((id) => '<a href="#" data-id="' + id + '">#' + id + '</a>').join(' ');
    let h = '<p><select id="kindFilter"><option value="">all kinds</option>' + kinds.map((k) => '<option' + (k === kindFilter ? ' selected' : '') + '>' + esc(k) + '</option>').join('') +
      '</select> <span class="muted">' + snap.resources.length + ' resources</span></p>';
    h += '<table id="resources"><thead><tr><th>ID</th><th>Kind</th><th>State</th><th>Holders</th><th>Waiters</th></tr></thead><tbody>';
    for (const r of snap.resources) {
      if (kindFilter && r.kind !== kindFilter) continue;
      const fields = Object.entries(r).filter(([k]) => !['id', 'kind', 'waiters', 'holders', 'groups'].includes(k)).map(([k, v]) => k + ': ' + esc(Array.isArray(v) ? v.join(', ') : v)).join(', ');
      const groups = Object.entries(r.groups || {}).filter(([, ids]) => ids.length).map(([k, ids]) => k + ': ' + links(ids)).join('; ');
      h += '<tr data-kind="' + esc(r.kind) + '"><td>' + r.id + '</td><td>' + esc(r.kind) + '</td><td>' + fields + '</td><td>' + links(r.holders) +
        '</td><td>' + links(r.waiters) + (groups ? ' <span class="muted">(' + groups + ')</span>' : '') + '</td></tr>';
    }
    return h + '</tbody></table>' + (snap.resources.length ? '' : '<p class="muted">No resource created since the console started.</p>');
  }
  function warningsView() {
    if (!snap.warnings.length) return '<p class="muted">No warnings.</p>';
    return snap.warnings.map((w) => '<div class="warn" data-kind="' + w.kind + '"><b>' + w.kind + '</b> ' + (w.taskId ? '<a href="#" data-id="' + w.taskId + '">task #' + w.taskId + '</a> ' : '') + esc(w.message) + '</div>').join('');
  }
  function runtimeView() {
    const rt = snap.runtime;
    return '<dl>' + Object.entries(rt).map(([k, v]) => '<dt>' + k + '</dt><dd>' + esc(typeof v === 'object' ? JSON.stringify(v) : v) + '</dd>').join('') + '</dl>';
  }
  function renderDetail() {
    const d = $('detail');
    const t = selected != null && byId(selected);
    if (!t) return;
    const max = Math.max(1, ...t.pollHistogram);
    const children = snap.tasks.filter((c) => c.parent === t.id);
    const parent = byId(t.parent);
    d.innerHTML = '<h2 id="detailTitle">' + name(t) + '</h2><dl>' +
      '<dt>state</dt><dd class="state-' + t.state + '">' + t.state + '</dd><dt>waiting on</dt><dd>' + esc(t.waitingOn || '—') + '</dd>' +
      '<dt>kind</dt><dd>' + t.kind + '</dd><dt>parent</dt><dd>' + (parent ? '<a href="#" data-id="' + parent.id + '">' + name(parent) + '</a>' : (t.parent ?? '—')) + '</dd>' +
      '<dt>spawned at</dt><dd>' + esc(t.location || '—') + '</dd><dt>polls</dt><dd>' + t.polls + '</dd><dt>wakes</dt><dd>' + t.wakes + ' (' + t.selfWakes + ' self)</dd>' +
      '<dt>busy</dt><dd>' + ms(t.busyMs) + '</dd><dt>scheduled</dt><dd>' + ms(t.scheduledMs) + '</dd><dt>idle</dt><dd>' + ms(t.idleMs) + '</dd><dt>longest poll</dt><dd>' + ms(t.maxPollMs) + '</dd></dl>' +
      '<h3>Poll times</h3><div class="hist" title="poll-time histogram, log2 µs buckets">' + t.pollHistogram.map((n, i) => '<div style="height:' + (100 * n / max) + '%" title="' + (i === 0 ? '< 1 µs' : '< ' + 2 ** i + ' µs') + ': ' + n + '"></div>').join('') + '</div>' +
      '<p class="muted">&lt; 1 µs … ≥ ' + 2 ** (t.pollHistogram.length - 2) + ' µs</p>' +
      (children.length ? '<h3>Children</h3><ul>' + children.slice(0, 100).map((c) => '<li><a href="#" data-id="' + c.id + '">' + name(c) + '</a> ' + c.state + '</li>').join('') + '</ul>' : '');
  }
  document.addEventListener('click', (e) => {
    const el = e.target.closest('[data-id],[data-tab],[data-sort]');
    if (!el) return;
    e.preventDefault();
    if (el.dataset.tab) { tab = el.dataset.tab; for (const b of document.querySelectorAll('#tabs button')) b.classList.toggle('on', b === el); render(); }
    else if (el.dataset.sort) { if (sortKey === el.dataset.sort) sortDir = -sortDir; else { sortKey = el.dataset.sort; sortDir = 1; } render(); }
    else { selected = Number(el.dataset.id); render(); }
  });
  document.addEventListener('change', (e) => {
    if (e.target.id === 'stateFilter') { stateFilter = e.target.value; render(); }
    if (e.target.id === 'kindFilter') { kindFilter = e.target.value; render(); }
  });
  document.addEventListener('input', (e) => {
    if (e.target.id === 'textFilter') { textFilter = e.target.value.toLowerCase(); const pos = e.target.selectionStart; render(); const f = $('textFilter'); f.focus(); f.setSelectionRange(pos, pos); }
    if (e.target.id === 'frame') { $('frameLabel').textContent = 'frame ' + (Number(e.target.value) + 1) + ' of ' + replay.count; paused = false; load(); }
  });
  $('pause').addEventListener('click', () => { paused = !paused; $('pause').textContent = paused ? 'Resume' : 'Pause'; if (!paused) load(); });
  (async () => {
    const f = await fetch('api/frames').then((r) => r.ok ? r.json() : null, () => null);
    if (f && f.count > 0) {
      replay = f;
      stateFilter = 'all'; // a recording often ends after the tasks did
      $('timeline').style.display = 'flex';
      $('frame').max = String(f.count - 1);
      $('frame').value = String(f.count - 1);
      $('frameLabel').textContent = 'frame ' + f.count + ' of ' + f.count;
      $('pause').style.display = 'none';
      load();
    } else {
      load();
      setInterval(load, 1000);
    }
  })();
})();
</script></body></html>
`;
