// Plain text and HTML bodies from one source, escaped.
export function escapeHtml(s: string): string {
  return s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);
}

export type MailPart = string | { link: string; text: string };

/** Builds a message from paragraphs; a link paragraph becomes a URL on its own line in text. */
export function composeMail(greeting: string, parts: MailPart[]): { text: string; html: string } {
  const text = [greeting, ...parts.map((p) => (typeof p === 'string' ? p : `${p.text}:\n${p.link}`))].join('\n\n');
  const html = [
    '<!doctype html><html lang="en"><body style="font-family:Arial,sans-serif;font-size:16px;line-height:1.5">',
    `<p>${escapeHtml(greeting)}</p>`,
    ...parts.map((p) =>
      typeof p === 'string' ? `<p>${escapeHtml(p)}</p>` : `<p><a href="${escapeHtml(p.link)}">${escapeHtml(p.text)}</a></p>`,
    ),
    '</body></html>',
  ].join('\n');
  return { text, html };
}
