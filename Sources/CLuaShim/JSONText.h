/* What JSON's encoder and decoder (JSONEncode.c, JSONDecode.c) share. */
#ifndef LUASH_JSON_TEXT_H
#define LUASH_JSON_TEXT_H

#include <stddef.h>

#define LUASH_JSON_MAX_DEPTH 1000

/* The length of the UTF-8 sequence starting at s (lead byte >= 0x80), or 0
** when it is not valid (overlong, a surrogate, past U+10FFFF, cut short). */
static inline size_t luash_utf8_sequence(const unsigned char *s, size_t left) {
  unsigned char c = s[0];
  size_t n;
  unsigned int cp;
  if (c >= 0xC2 && c <= 0xDF) { n = 1; cp = c & 0x1F; }
  else if (c >= 0xE0 && c <= 0xEF) { n = 2; cp = c & 0x0F; }
  else if (c >= 0xF0 && c <= 0xF4) { n = 3; cp = c & 0x07; }
  else return 0;
  if (n >= left) return 0;
  for (size_t k = 1; k <= n; k++) {
    if ((s[k] & 0xC0) != 0x80) return 0;
    cp = (cp << 6) | (s[k] & 0x3F);
  }
  if ((n == 2 && cp < 0x800) || (n == 3 && (cp < 0x10000 || cp > 0x10FFFF)) || (cp >= 0xD800 && cp <= 0xDFFF)) return 0;
  return n + 1;
}

#endif
