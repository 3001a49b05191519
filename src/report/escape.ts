/**
 * Escapes text for HTML element content and (double- or single-quoted) attribute values: `& < > " '`.
 * Every user-provided string (column names, values, spec names, messages) goes through it before it reaches the
 * HTML report.
 *
 * @example
 * ```ts
 * import { escapeHtml } from "truelift";
 * escapeHtml("<img src=x onerror=alert(1)>"); // "&lt;img src=x onerror=alert(1)&gt;"
 * ```
 */
export function escapeHtml(text: string): string {
  return text
    .replaceAll("&", "&amp;")
    .replaceAll("<", "&lt;")
    .replaceAll(">", "&gt;")
    .replaceAll('"', "&quot;")
    .replaceAll("'", "&#39;");
}

/**
 * Escapes text for a Markdown table cell or paragraph: backslash-escapes the characters Markdown gives meaning
 * to, HTML-escapes `<`, `>` and `&` (Markdown renderers pass raw HTML through), and turns newlines into spaces.
 *
 * @example
 * ```ts
 * import { escapeMarkdown } from "truelift";
 * escapeMarkdown("a|b <b>"); // "a\\|b &lt;b&gt;"
 * ```
 */
export function escapeMarkdown(text: string): string {
  return text
    .replaceAll("&", "&amp;")
    .replaceAll("<", "&lt;")
    .replaceAll(">", "&gt;")
    .replace(/([\\`*_[\]|#])/g, "\\$1")
    .replace(/\r?\n/g, " ");
}

/**
 * A stable HTML id from a free-text identifier: lower-case ASCII letters, digits and hyphens, prefixed with `a-`.
 *
 * @example
 * ```ts
 * import { slugId } from "truelift";
 * slugId("Staged rollout #1"); // "a-staged-rollout-1"
 * ```
 */
export function slugId(text: string): string {
  const slug = text
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, "-")
    .replace(/^-+|-+$/g, "");
  return `a-${slug}`;
}
