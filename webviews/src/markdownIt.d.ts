// The part of markdown-it's API the cell-output panel uses (the package ships no types of its own).
declare module 'markdown-it' {
  interface MarkdownItOptions {
    html?: boolean;
    linkify?: boolean;
    typographer?: boolean;
    breaks?: boolean;
  }
  class MarkdownIt {
    constructor(options?: MarkdownItOptions);
    render(source: string): string;
    validateLink(url: string): boolean;
  }
  export default MarkdownIt;
}
