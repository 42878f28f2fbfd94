// Views live in the URL's fragment (#/national?period=2026,
// #/province/dong-nai?plan=…&period=…, #/import, #/login, #/home,
// #/report?name=reports/…, #/review?name=…,
// #/ministry?plan=plans/…&period=2026&province=dong-nai), so a view can be bookmarked and
// sent to a colleague, and the server only ever serves index.html.

export interface Route {
  view: 'national' | 'province' | 'import' | 'login' | 'home' | 'report' | 'review' | 'ministry';
  id?: string;
  params: Record<string, string>;
}

export function parseRoute(hash: string): Route {
  const text = hash.replace(/^#\/?/, '');
  const [path, query = ''] = text.split('?', 2);
  const params: Record<string, string> = {};
  new URLSearchParams(query).forEach((value, key) => {
    params[key] = value;
  });
  const segments = path.split('/').filter(Boolean).map(decodeURIComponent);
  if (segments[0] === 'province' && segments[1]) {
    return { view: 'province', id: segments[1], params };
  }
  for (const view of ['import', 'login', 'home', 'report', 'review', 'ministry'] as const) {
    if (segments[0] === view) return { view, params };
  }
  return { view: 'national', params };
}

export function formatRoute(route: Route): string {
  const params = new URLSearchParams();
  for (const [key, value] of Object.entries(route.params)) {
    if (value) params.set(key, value);
  }
  const query = params.toString();
  const path =
    route.view === 'province' ? `/province/${encodeURIComponent(route.id ?? '')}`
      : route.view === 'national' ? '/national' : `/${route.view}`;
  return `#${path}${query ? `?${query}` : ''}`;
}

export function navigate(route: Route): void {
  const hash = formatRoute(route);
  if (location.hash === hash) {
    window.dispatchEvent(new HashChangeEvent('hashchange'));
  } else {
    location.hash = hash;
  }
}
