// Renders the Markdown of markdown cells to HTML for exported reports: ATX headings, paragraphs, bullet and
// numbered lists, block quotes, fenced and indented code, and inline code, bold, italics and links. It is
// deliberately small and safe rather than complete: every piece of text is escaped first, links keep only
// http(s), mailto and in-page targets, and images become their alt text, so a report never loads anything from
// the network. Notebooks and `.md` exports carry the Markdown itself; only the HTML report needs this.
import { escapeXml } from './chartSvg';

const SAFE_LINK = /^(https?:|mailto:|#)/i;

/** Inline Markdown of one escaped-on-the-way line. */
export function renderInline(text: string): string {
  const parts = text.split(/(`[^`]*`)/);
  return parts
    .map((part) => {
      if (part.length >= 2 && part.startsWith('`') && part.endsWith('`')) return `<code>${escapeXml(part.slice(1, -1))}</code>`;
      let html = escapeXml(part);
      html = html.replace(/!\[([^\]]*)\]\([^)]*\)/g, (_, alt: string) => alt);
      html = html.replace(/\[([^\]]+)\]\(([^)\s]+)\)/g, (_match: string, label: string, href: string) => (SAFE_LINK.test(href) ? `<a href="${href}">${label}</a>` : label));
      html = html.replace(/\*\*([^*]+)\*\*|__([^_]+)__/g, (_, a?: string, b?: string) => `<strong>${a ?? b}</strong>`);
      html = html.replace(/(^|[^*\w])\*([^*\s][^*]*)\*|(^|\W)_([^_\s][^_]*)_(?=\W|$)/g, (_, p1?: string, a?: string, p2?: string, b?: string) => `${p1 ?? p2 ?? ''}<em>${a ?? b}</em>`);
      return html;
    })
    .join('');
}

/** Block-level Markdown to HTML. */
export function renderMarkdown(markdown: string): string {
  const lines = markdown.split('\n');
  const out: string[] = [];
  let paragraph: string[] = [];
  let list: { tag: 'ul' | 'ol'; items: string[] } | undefined;
  const flush = () => {
    if (paragraph.length > 0) out.push(`<p>${paragraph.map(renderInline).join('\n')}</p>`);
    paragraph = [];
    if (list) out.push(`<${list.tag}>${list.items.map((item) => `<li>${renderInline(item)}</li>`).join('')}</${list.tag}>`);
    list = undefined;
  };
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!;
    const fence = /^\s*(```|~~~)/.exec(line);
    if (fence) {
      flush();
      const code: string[] = [];
      for (i++; i < lines.length && !lines[i]!.trimStart().startsWith(fence[1]!); i++) code.push(lines[i]!);
      out.push(`<pre><code>${escapeXml(code.join('\n'))}</code></pre>`);
      continue;
    }
    const heading = /^(#{1,6})\s+(.*?)\s*#*\s*$/.exec(line);
    const bullet = /^\s*[-*+]\s+(.*)$/.exec(line);
    const numbered = /^\s*\d+[.)]\s+(.*)$/.exec(line);
    const quote = /^\s*>\s?(.*)$/.exec(line);
    if (line.trim() === '') flush();
    else if (heading) {
      flush();
      out.push(`<h${heading[1]!.length}>${renderInline(heading[2]!)}</h${heading[1]!.length}>`);
    } else if (bullet || numbered) {
      const tag = bullet ? 'ul' : 'ol';
      if (paragraph.length > 0 || (list && list.tag !== tag)) flush();
      list ??= { tag, items: [] };
      list.items.push((bullet ?? numbered)![1]!);
    } else if (quote) {
      flush();
      out.push(`<blockquote>${renderInline(quote[1]!)}</blockquote>`);
    } else if (/^ {4}/.test(line) && paragraph.length === 0 && !list) {
      const code = [line.slice(4)];
      while (i + 1 < lines.length && /^ {4}/.test(lines[i + 1]!)) code.push(lines[++i]!.slice(4));
      out.push(`<pre><code>${escapeXml(code.join('\n'))}</code></pre>`);
    } else if (list && /^\s+\S/.test(line)) list.items[list.items.length - 1] += ` ${line.trim()}`;
    else {
      if (list) flush();
      paragraph.push(line);
    }
  }
  flush();
  return out.join('\n');
}
