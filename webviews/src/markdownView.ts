// Renders a markdown cell's text to HTML for the cell-output panel (and anything else that shows markdown cells).
// Sanitising is markdown-it's own, configured strictly: raw HTML in the source is escaped, never passed through,
// and link targets other than http(s), mailto and relative paths are refused (no `javascript:`, `data:`, `file:`,
// `command:` links). The webview's Content-Security-Policy is the second wall: no inline script ever runs.
// Pure: no DOM, so Node tests check it directly.
import MarkdownIt from 'markdown-it';

const SAFE_LINK = /^(?:https?:|mailto:|#|\.{0,2}\/|[\w.-]+(?:\/|$))/i;

const markdown = new MarkdownIt({ html: false, linkify: true, typographer: false });
const defaultValidate = markdown.validateLink.bind(markdown);
markdown.validateLink = (url: string) => defaultValidate(url) && SAFE_LINK.test(url.trim());

/** The HTML of a markdown text; safe to assign to innerHTML. */
export function renderMarkdown(source: string): string {
  return markdown.render(source);
}
