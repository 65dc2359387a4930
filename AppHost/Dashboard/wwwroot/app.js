'use strict';

// The dashboard: one page, a view per hash route, each polling the JSON API while it is shown.
const POLL_MS = 2000;
const main = document.getElementById('view');
const status = document.getElementById('status');
let active = null;

// Builds DOM nodes; text always goes through textNode, so telemetry can never inject markup.
function h(tag, props, ...children) {
  const node = document.createElement(tag);
  for (const [key, value] of Object.entries(props || {})) {
    if (value === undefined || value === null || value === false) continue;
    if (key.startsWith('on')) node.addEventListener(key.slice(2), value);
    else if (key === 'className') node.className = value;
    else if (key === 'style') node.setAttribute('style', value);
    else node.setAttribute(key, value === true ? '' : value);
  }
  for (const child of children.flat(Infinity)) {
    if (child === undefined || child === null || child === false) continue;
    node.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
  return node;
}

function svg(tag, attrs) {
  const node = document.createElementNS('http://www.w3.org/2000/svg', tag);
  for (const [key, value] of Object.entries(attrs)) node.setAttribute(key, value);
  return node;
}

async function getJson(path, query) {
  const params = new URLSearchParams();
  for (const [key, value] of Object.entries(query || {})) {
    if (value !== undefined && value !== null && value !== '' && value !== false) params.set(key, value);
  }
  const url = params.size ? `${path}?${params}` : path;
  const response = await fetch(url, { headers: { accept: 'application/json' } });
  if (response.status === 404) return null;
  if (!response.ok) throw new Error(`${url}: ${response.status}`);
  return response.json();
}

function formatDuration(ms) {
  if (ms < 1) return `${ms.toFixed(2)} ms`;
  if (ms < 1000) return `${ms.toFixed(ms < 10 ? 1 : 0)} ms`;
  return `${(ms / 1000).toFixed(2)} s`;
}

function formatTime(iso) {
  if (!iso) return '';
  const date = new Date(iso);
  return date.toLocaleTimeString([], { hour12: false }) + '.' + String(date.getMilliseconds()).padStart(3, '0');
}

function formatNumber(value) {
  if (value === null || value === undefined) return '';
  if (Number.isInteger(value)) return value.toLocaleString('en-US');
  const abs = Math.abs(value);
  return value.toLocaleString('en-US', { maximumFractionDigits: abs >= 100 ? 0 : abs >= 1 ? 2 : 4 });
}

function colorOf(name) {
  let hash = 0;
  for (const char of name) hash = (hash * 31 + char.charCodeAt(0)) | 0;
  return `hsl(${Math.abs(hash) % 360}, 62%, 48%)`;
}

function badge(text, kind) {
  return h('span', { className: `badge ${kind || ''}` }, text);
}

function serviceLabel(name) {
  return h('span', {}, h('span', { className: 'chip', style: `background:${colorOf(name)}` }), name);
}

// Re-rendering unchanged data would lose the reader's text selection and a click in flight.
function unchanged(node, data) {
  const signature = JSON.stringify(data);
  if (node.dataset.signature === signature) return true;
  node.dataset.signature = signature;
  return false;
}

function empty(text) {
  return h('div', { className: 'empty' }, text);
}

function searchBox(placeholder, value, onChange, id) {
  return h('input', { type: 'search', placeholder, value: value || '', id, oninput: event => onChange(event.target.value) });
}

function select(options, value, onChange, id) {
  return h('select', { id, onchange: event => onChange(event.target.value) },
    options.map(([optionValue, label]) => h('option', { value: optionValue, selected: optionValue === value }, label)));
}

async function fillServices(selectNode, value) {
  const services = await getJson('/api/services') || [];
  const options = [['', 'All services'], ...services.map(service => [service, service])];
  const current = [...selectNode.options].map(option => option.value).join('|');
  if (current === options.map(option => option[0]).join('|')) return;
  selectNode.replaceChildren(...options.map(([optionValue, label]) => h('option', { value: optionValue, selected: optionValue === value }, label)));
}

// Each view: mount(params, query) builds its frame and returns refresh(), called now and every POLL_MS.
const views = {};

views.resources = () => {
  const body = h('div');
  main.replaceChildren(h('h1', {}, 'Resources'), body);
  return async () => {
    const resources = await getJson('/api/resources') || [];
    if (unchanged(body, resources)) return;
    if (resources.length === 0) {
      body.replaceChildren(empty('No resources yet.'));
      return;
    }
    const stateKind = { Running: 'good', Starting: 'warn', Waiting: 'warn', Restarting: 'warn', Stopping: 'warn', Failed: 'bad' };
    const healthKind = { Healthy: 'good', Unhealthy: 'bad' };
    body.replaceChildren(h('table', { id: 'resources-table' },
      h('thead', {}, h('tr', {}, ['Name', 'Kind', 'State', 'Health', 'Endpoints', 'PID', 'Started', 'Restarts', 'Telemetry'].map(title => h('th', {}, title)))),
      h('tbody', {}, resources.map(resource => h('tr', { 'data-resource': resource.name },
        h('td', {}, serviceLabel(resource.name)),
        h('td', {}, resource.kind),
        h('td', {}, badge(resource.state, stateKind[resource.state])),
        h('td', { title: resource.healthError || '' }, badge(resource.health, healthKind[resource.health])),
        h('td', {}, resource.endpoints.map(endpoint => /^https?:/.test(endpoint)
          ? h('div', {}, h('a', { href: endpoint, target: '_blank', rel: 'noopener' }, endpoint))
          : h('div', { className: 'mono' }, endpoint))),
        h('td', { className: 'num' }, resource.processId ?? ''),
        h('td', {}, resource.startedAt ? new Date(resource.startedAt).toLocaleString([], { hour12: false }) : ''),
        h('td', { className: 'num' }, resource.restarts),
        h('td', { className: 'nowrap' },
          h('a', { href: `#/console/${encodeURIComponent(resource.name)}` }, 'console'),
          resource.kind === 'Project' ? [' · ', h('a', { href: `#/traces?service=${encodeURIComponent(resource.resourceName)}` }, 'traces'),
            ' · ', h('a', { href: `#/logs?service=${encodeURIComponent(resource.resourceName)}` }, 'logs')] : ''))))));
  };
};

views.console = (params) => {
  const state = { instance: params[0] || '', search: '', follow: true, last: null };
  const picker = h('select', { id: 'console-resource', onchange: event => { location.hash = `#/console/${encodeURIComponent(event.target.value)}`; } });
  const output = h('pre', { className: 'console', id: 'console-output' });
  main.replaceChildren(
    h('h1', {}, 'Console logs'),
    h('div', { className: 'filters' },
      picker,
      searchBox('Search lines', '', value => { state.search = value; state.last = null; refresh(); }, 'console-search'),
      h('label', {}, h('input', { type: 'checkbox', checked: true, onchange: event => { state.follow = event.target.checked; } }), 'Follow')),
    output);
  async function refresh() {
    const resources = await getJson('/api/resources') || [];
    if (!state.instance && resources.length) state.instance = resources[0].name;
    const names = resources.map(resource => resource.name);
    if (picker.options.length !== names.length) {
      picker.replaceChildren(...names.map(name => h('option', { value: name, selected: name === state.instance }, name)));
    }
    if (!state.instance) return;
    const result = await getJson(`/api/console/${encodeURIComponent(state.instance)}`, { count: 2000, q: state.search });
    const lines = result ? result.lines : [];
    const signature = `${lines.length}:${lines[lines.length - 1] || ''}`;
    if (signature === state.last) return;
    state.last = signature;
    output.textContent = lines.length ? lines.join('\n') : '(no output)';
    if (state.follow) output.scrollTop = output.scrollHeight;
  }
  return refresh;
};

const traceFilters = { service: '', tenant: '', q: '', errors: false };

views.traces = (params, query) => {
  if (params[0]) return traceDetail(params[0]);
  for (const key of ['service', 'tenant', 'q']) if (query.has(key)) traceFilters[key] = query.get(key);
  const services = select([['', 'All services']], traceFilters.service, value => { traceFilters.service = value; refresh(); }, 'trace-service');
  const body = h('div');
  main.replaceChildren(
    h('h1', {}, 'Traces'),
    h('div', { className: 'filters' },
      services,
      searchBox('Tenant id', traceFilters.tenant, value => { traceFilters.tenant = value; refresh(); }, 'trace-tenant'),
      searchBox('Filter by name, attribute, trace id', traceFilters.q, value => { traceFilters.q = value; refresh(); }, 'trace-text'),
      h('label', {}, h('input', { type: 'checkbox', checked: traceFilters.errors, onchange: event => { traceFilters.errors = event.target.checked; refresh(); } }), 'Errors only')),
    body);
  async function refresh() {
    await fillServices(services, traceFilters.service);
    const traces = await getJson('/api/traces', traceFilters) || [];
    if (unchanged(body, traces)) return;
    if (traces.length === 0) {
      body.replaceChildren(empty('No traces match. Send a request through the gateway, then look again.'));
      return;
    }
    const longest = Math.max(...traces.map(trace => trace.durationMs), 0.001);
    body.replaceChildren(h('table', { id: 'traces-table' },
      h('thead', {}, h('tr', {}, ['Time', 'Name', 'Duration', 'Spans', 'Errors', 'Services', 'Tenant'].map(title => h('th', {}, title)))),
      h('tbody', {}, traces.map(trace => h('tr', { className: 'clickable', 'data-trace-id': trace.traceId, onclick: () => { location.hash = `#/traces/${trace.traceId}`; } },
        h('td', { className: 'mono' }, formatTime(trace.start)),
        h('td', { className: 'nowrap' }, serviceLabel(trace.rootService), ': ', trace.rootName),
        h('td', { style: 'min-width:140px' },
          h('div', { style: `height:6px;border-radius:3px;background:${colorOf(trace.rootService)};width:${Math.max(2, 100 * trace.durationMs / longest)}%` }),
          h('span', { className: 'muted' }, formatDuration(trace.durationMs))),
        h('td', { className: 'num' }, trace.spanCount),
        h('td', {}, trace.errorCount ? badge(trace.errorCount, 'bad') : ''),
        h('td', {}, trace.services.map(service => h('span', { className: 'tag' }, serviceLabel(service)))),
        h('td', { className: 'mono' }, trace.tenants.join(', ')))))));
  }
  return refresh;
};

function traceDetail(traceId) {
  const expanded = new Set();
  const body = h('div');
  main.replaceChildren(
    h('h1', {}, h('a', { href: '#/traces' }, 'Traces'), ' / ', h('span', { id: 'trace-title' }, traceId)),
    body);
  return async () => {
    const trace = await getJson(`/api/traces/${encodeURIComponent(traceId)}`);
    if (unchanged(body, trace)) return;
    if (!trace) {
      body.replaceChildren(empty('This trace is not (or no longer) held; the dashboard keeps the most recent 10,000 spans.'));
      return;
    }
    const total = Math.max(trace.durationMs, 0.001);
    function render() {
      const rows = [h('div', { className: 'row header' }, h('div', { className: 'label' }, 'Span'), h('div', { className: 'label' }, `0 ms - ${formatDuration(trace.durationMs)}`))];
      for (const span of trace.spans) {
        const left = 100 * span.offsetMs / total;
        const width = Math.max(0.2, 100 * span.durationMs / total);
        rows.push(h('div', {
          className: 'row', 'data-span-id': span.spanId, 'data-service': span.service,
          onclick: () => { expanded.has(span.spanId) ? expanded.delete(span.spanId) : expanded.add(span.spanId); render(); },
        },
          h('div', { className: 'label', style: `padding-left:${8 + span.depth * 16}px`, title: `${span.service}: ${span.name}` },
            serviceLabel(span.service), ': ', span.name, span.isError ? [' ', badge('error', 'bad')] : ''),
          h('div', { className: 'track' },
            h('div', { className: `bar${span.isError ? ' error' : ''}`, style: `left:${left}%;width:${width}%;background:${colorOf(span.service)}` }),
            span.events.map(event => h('div', { className: 'event', title: event.name, style: `left:${100 * event.offsetMs / total}%` })),
            h('span', { className: 'duration', style: left + width > 80 ? `right:${100 - left + 0.5}%` : `left:${left + width + 0.5}%` }, formatDuration(span.durationMs)))));
        if (expanded.has(span.spanId)) rows.push(spanDetails(span));
      }
      body.replaceChildren(
        h('div', { className: 'summary' },
          h('span', {}, 'Root ', h('b', {}, `${trace.summary.rootService}: ${trace.summary.rootName}`)),
          h('span', {}, 'Duration ', h('b', {}, formatDuration(trace.durationMs))),
          h('span', {}, 'Spans ', h('b', {}, trace.spans.length)),
          h('span', {}, 'Errors ', h('b', {}, trace.summary.errorCount)),
          h('span', {}, 'Started ', h('b', {}, formatTime(trace.summary.start))),
          h('a', { href: `#/logs?traceId=${trace.summary.traceId}` }, 'Logs of this trace')),
        h('div', { className: 'waterfall', id: 'waterfall' }, rows));
    }
    render();
  };

  function spanDetails(span) {
    const attributeRows = [
      ['span id', span.spanId], ['kind', span.kind], ['service instance', span.instance], ['source', span.scope],
      ['start', formatTime(span.start)], ['duration', formatDuration(span.durationMs)],
      ...(span.statusMessage ? [['status', span.statusMessage]] : []),
      ...span.attributes.map(attribute => [attribute.key, attribute.value]),
    ];
    return h('div', { className: 'details', onclick: event => event.stopPropagation() },
      h('table', {}, h('tbody', {}, attributeRows.map(([key, value]) => h('tr', {}, h('td', {}, key), h('td', { className: 'mono' }, value))))),
      span.events.length ? h('table', {},
        h('thead', {}, h('tr', {}, h('th', {}, 'Event'), h('th', {}, 'At'), h('th', {}, 'Attributes'))),
        h('tbody', {}, span.events.map(event => h('tr', {},
          h('td', {}, event.name),
          h('td', {}, formatDuration(event.offsetMs)),
          h('td', { className: 'mono' }, event.attributes.map(attribute => h('div', {}, `${attribute.key}=${attribute.value}`))))))) : '');
  }
}

const logFilters = { service: '', level: '', q: '' };

views.logs = (params, query) => {
  const traceId = query.get('traceId') || '';
  if (query.has('service')) logFilters.service = query.get('service');
  const services = select([['', 'All services']], logFilters.service, value => { logFilters.service = value; refresh(); }, 'log-service');
  const levels = ['Trace', 'Debug', 'Information', 'Warning', 'Error', 'Critical'];
  const body = h('div');
  main.replaceChildren(
    h('h1', {}, 'Structured logs', traceId ? h('small', {}, 'trace ', h('a', { href: `#/traces/${traceId}` }, traceId), ' ', h('a', { href: '#/logs' }, '(all logs)')) : ''),
    h('div', { className: 'filters' },
      services,
      select([['', 'Any level'], ...levels.map(level => [level, `${level} and above`])], logFilters.level, value => { logFilters.level = value; refresh(); }, 'log-level'),
      searchBox('Filter by message, category, attribute', logFilters.q, value => { logFilters.q = value; refresh(); }, 'log-text')),
    body);
  const levelKind = { Warning: 'warn', Error: 'bad', Critical: 'bad', Information: 'info' };
  async function refresh() {
    await fillServices(services, logFilters.service);
    const logs = await getJson('/api/logs', { ...logFilters, traceId }) || [];
    if (unchanged(body, logs)) return;
    if (logs.length === 0) {
      body.replaceChildren(empty('No log records match.'));
      return;
    }
    body.replaceChildren(h('table', { id: 'logs-table' },
      h('thead', {}, h('tr', {}, ['Time', 'Level', 'Service', 'Category', 'Message', 'Trace'].map(title => h('th', {}, title)))),
      h('tbody', {}, logs.map(log => h('tr', { title: log.attributes.map(attribute => `${attribute.key}=${attribute.value}`).join('\n') },
        h('td', { className: 'mono nowrap' }, formatTime(log.time)),
        h('td', {}, badge(log.level, levelKind[log.level])),
        h('td', { className: 'nowrap' }, serviceLabel(log.source.service)),
        h('td', { className: 'muted' }, log.category),
        h('td', {}, log.message),
        h('td', { className: 'mono' }, log.traceId ? h('a', { href: `#/traces/${log.traceId}` }, log.traceId.slice(0, 8)) : ''))))));
  }
  return refresh;
};

const metricFilters = { service: '' };

views.metrics = (params, query) => {
  if (query.has('service')) metricFilters.service = query.get('service');
  const open = new Set();
  const services = select([['', 'All services']], metricFilters.service, value => { metricFilters.service = value; refresh(); }, 'metric-service');
  const body = h('div');
  main.replaceChildren(h('h1', {}, 'Metrics'), h('div', { className: 'filters' }, services), body);
  async function refresh() {
    await fillServices(services, metricFilters.service);
    const metrics = await getJson('/api/metrics', metricFilters) || [];
    if (unchanged(body, metrics)) return;
    if (metrics.length === 0) {
      body.replaceChildren(empty('No metrics yet; services export them every few seconds.'));
      return;
    }
    const groups = Map.groupBy(metrics, metric => metric.service);
    body.replaceChildren(...[...groups].flatMap(([title, group]) => [
      h('div', { className: 'group-title' }, title),
      h('div', { className: 'metrics' }, group.map(metric => metricCard(metric, open))),
    ]));
  }
  return refresh;
};

function metricCard(metric, open) {
  const key = `${metric.service}|${metric.scope}|${metric.name}`;
  const seconds = metric.unit === 's';
  const unit = metric.unit && !metric.unit.startsWith('{') && !seconds ? metric.unit : '';
  const value = metric.kind === 'Histogram'
    ? [seconds ? formatDuration(metric.mean * 1000) : formatNumber(metric.mean), h('small', {}, `${unit} mean of ${formatNumber(metric.count)}`)]
    : [seconds ? formatDuration(metric.value * 1000) : formatNumber(metric.value), h('small', {}, seconds ? '' : unit || metric.unit)];
  const details = h('details', { open: open.has(key), ontoggle: event => { event.target.open ? open.add(key) : open.delete(key); } },
    h('summary', {}, `${metric.series.length} series`),
    h('table', {}, h('tbody', {}, metric.series.map(series => h('tr', {},
      h('td', { className: 'mono' }, series.attributes || '(no attributes)'),
      h('td', { className: 'num' }, seconds
        ? formatDuration(1000 * (metric.kind === 'Histogram' ? series.mean : series.value))
        : formatNumber(metric.kind === 'Histogram' ? series.mean : series.value)))))));
  return h('div', { className: 'metric', 'data-metric': metric.name },
    h('h3', {}, metric.name, ' ', badge(metric.kind, 'info')),
    h('div', { className: 'desc' }, metric.description, ' ', h('span', { className: 'scope' }, metric.scope)),
    h('div', { className: 'value' }, value),
    chart(metric.chart, metric.chartLabel, seconds && metric.kind !== 'Counter' ? v => formatDuration(v * 1000) : formatNumber),
    details);
}

// A sparkline of the last minutes: inline SVG, no library.
function chart(points, label, format) {
  const width = 340;
  const height = 48;
  if (points.length < 2) return h('div', { className: 'muted chart-caption' }, `${label}: waiting for more samples`);
  const box = svg('svg', { viewBox: `0 0 ${width} ${height}`, preserveAspectRatio: 'none', role: 'img', 'aria-label': label });
  const times = points.map(point => Date.parse(point.time));
  const values = points.map(point => point.value);
  const [t0, t1] = [Math.min(...times), Math.max(...times)];
  const [v0, v1] = [Math.min(0, ...values), Math.max(...values)];
  const x = t => 1 + (width - 2) * (t - t0) / Math.max(1, t1 - t0);
  const y = v => height - 1 - (height - 4) * (v - v0) / Math.max(1e-9, v1 - v0);
  const line = points.map((point, index) => `${index ? 'L' : 'M'}${x(times[index]).toFixed(1)},${y(point.value).toFixed(1)}`).join(' ');
  box.append(
    svg('path', { d: `${line} L${x(t1).toFixed(1)},${height} L${x(t0).toFixed(1)},${height} Z`, fill: 'rgba(81,43,212,.12)' }),
    svg('path', { d: line, fill: 'none', stroke: '#512bd4', 'stroke-width': 1.5, 'vector-effect': 'non-scaling-stroke' }));
  const minutes = Math.round((t1 - t0) / 60000);
  return h('div', { className: 'chart' }, box,
    h('div', { className: 'muted chart-caption' }, `${label} over the last ${minutes ? `${minutes} min` : 'minute'}, peak ${format(v1)}`));
}

function route() {
  clearInterval(active);
  const [path, search] = (location.hash.replace(/^#\/?/, '') || 'resources').split('?');
  const [name, ...params] = path.split('/').map(decodeURIComponent);
  const viewName = views[name] ? name : 'resources';
  for (const link of document.querySelectorAll('nav a')) link.classList.toggle('active', link.dataset.view === viewName);
  const refresh = views[viewName](params, new URLSearchParams(search || ''));
  const tick = async () => {
    try {
      await refresh();
      status.textContent = `updated ${new Date().toLocaleTimeString([], { hour12: false })}`;
    } catch (error) {
      status.textContent = `refresh failed: ${error.message}`;
    }
  };
  tick();
  active = setInterval(tick, POLL_MS);
}

window.addEventListener('hashchange', route);
route();
