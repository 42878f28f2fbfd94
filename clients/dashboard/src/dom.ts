// A small element builder: the views build DOM nodes directly, and text is
// always set as text (never parsed as HTML), so names from the API cannot
// inject markup.

type Child = Node | string | number | null | undefined | false;

export interface Attrs {
  class?: string;
  testid?: string;
  title?: string;
  href?: string;
  type?: string;
  value?: string;
  placeholder?: string;
  colspan?: number;
  data?: Record<string, string>;
  aria?: Record<string, string>;
  onclick?: (event: MouseEvent) => void;
  oninput?: (event: Event) => void;
  onchange?: (event: Event) => void;
}

export function h<K extends keyof HTMLElementTagNameMap>(
  tag: K,
  attrs: Attrs = {},
  ...children: Child[]
): HTMLElementTagNameMap[K] {
  const el = document.createElement(tag);
  if (attrs.class) el.className = attrs.class;
  if (attrs.testid) el.dataset.testid = attrs.testid;
  if (attrs.title) el.title = attrs.title;
  if (attrs.href !== undefined) el.setAttribute('href', attrs.href);
  if (attrs.type) el.setAttribute('type', attrs.type);
  if (attrs.value !== undefined) (el as HTMLInputElement).value = attrs.value;
  if (attrs.placeholder) el.setAttribute('placeholder', attrs.placeholder);
  if (attrs.colspan) el.setAttribute('colspan', String(attrs.colspan));
  for (const [k, v] of Object.entries(attrs.data ?? {})) el.dataset[k] = v;
  for (const [k, v] of Object.entries(attrs.aria ?? {})) el.setAttribute(`aria-${k}`, v);
  const onclick = attrs.onclick;
  if (onclick) el.addEventListener('click', (event) => onclick(event as MouseEvent));
  if (attrs.oninput) el.addEventListener('input', attrs.oninput);
  if (attrs.onchange) el.addEventListener('change', attrs.onchange);
  append(el, ...children);
  return el;
}

export function append(parent: Node, ...children: Child[]): void {
  for (const child of children) {
    if (child === null || child === undefined || child === false) continue;
    parent.appendChild(typeof child === 'object' ? child : document.createTextNode(String(child)));
  }
}

export function clear(el: Element): void {
  while (el.firstChild) el.removeChild(el.firstChild);
}

export function select(
  options: { value: string; label: string }[],
  selected: string,
  onChange: (value: string) => void,
  testid: string,
): HTMLSelectElement {
  const el = h('select', { testid, onchange: () => onChange(el.value) });
  for (const option of options) {
    const o = h('option', { value: option.value }, option.label);
    if (option.value === selected) o.selected = true;
    el.appendChild(o);
  }
  return el;
}
