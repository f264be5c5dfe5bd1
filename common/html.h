/*
 * html.h: HTML mail bodies to readable plain text.
 *
 * For mails that have no text/plain part.  The text is meant for people and
 * for the later stages of owi (quote splitting, rules), so it follows what a
 * browser shows rather than the markup:
 *
 *  - block elements end lines; p, h1-h6, blockquote, pre, hr, dl, figure
 *    and top-level lists are set off by one blank line, and so is a block
 *    holding only &nbsp; (how Outlook and Gmail write a blank line); <br>
 *    ends a line, or makes an empty one; never two blank lines in a row,
 *    lines right-trimmed, no leading or trailing blank line, and a
 *    non-empty result ends with one newline;
 *  - whitespace collapses as in a browser, except in pre, listing,
 *    textarea, xmp and plaintext;
 *  - list items start with "- " (ul, menu, dir) or "1. " (ol, honouring
 *    start= and value=), indented two spaces per nesting level; their
 *    continuation lines are indented two spaces more;
 *  - table cells of a row are joined by " | " (not a tab, which would
 *    read as whitespace); empty cells are skipped so that layout tables do
 *    not turn into rows of separators; rows end lines, except the first
 *    row of a table nested in a cell, which goes on the cell's line;
 *  - each level of blockquote prefixes its lines with "> ", before any list
 *    indentation, so HTML replies look like plain-text ones;
 *  - <a href=URL>text</a> becomes "text <URL>", or just "text" when it
 *    already shows the URL (with or without http://, https://, mailto:,
 *    tel:); javascript:, vbscript:, data: and #fragment links and links
 *    without text give only their text;
 *  - <img alt="x"> becomes "[x]"; an image without alt text gives nothing;
 *  - character references follow HTML5: every numeric form, the named
 *    entities of HTML 4 plus the common HTML5 ones, the Latin-1 set also
 *    without ';'; &nbsp; and U+00A0 are ordinary (collapsible) spaces;
 *  - dropped with their content: head, title, script, style, template,
 *    noscript, iframe, noembed, noframes, svg, object, and any element with
 *    the hidden attribute or a style saying display:none or
 *    visibility:hidden; comments, CDATA, doctypes and processing
 *    instructions;
 *  - the output is valid UTF-8: invalid input sequences, NUL, C0 controls
 *    and invalid numeric references become U+FFFD.
 *
 * Lenient on purpose, where a browser is not:
 *  - U+0080..U+009F, raw or as references, are read as windows-1252 (a
 *    mail mislabelled latin1 is the usual cause), unassigned ones as U+FFFD;
 *  - soft hyphens and zero-width characters other than ZWJ are removed
 *    (marketing mails pad their preheaders with them);
 *  - an attribute value whose closing quote never comes ends at the next
 *    '>' rather than swallowing the rest of the mail;
 *  - style sheets are not read, only style attributes; but Outlook's
 *    paragraphs (class Mso...) only end a line, as their style sheet,
 *    which gives them no margins, would have it.
 *
 * Time is linear in len and memory linear in len with small constants:
 * at most DEPTH_MAX (4096) open elements are tracked, deeper ones still
 * break lines but their quote, list, pre and hidden state is lost; quote
 * prefixes stop at 32 levels and list indentation at 16.
 */

#ifndef OWI_HTML_H
#define OWI_HTML_H

#include <stddef.h>

/*
 * Converts HTML (UTF-8, already charset-converted, not necessarily
 * NUL-terminated) to plain text.  Returns a malloc'd NUL-terminated UTF-8
 * string, or NULL when out of memory.  html may be NULL when len is 0.
 */
char	*owi_html_to_text(const char *html, size_t len);

#endif
