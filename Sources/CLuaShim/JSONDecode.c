/* json.decode's fast path, and the API answers': JSON text straight into Lua
** values, by the rules of LuaKit's Lua <-> JSON bridge (docs/luakit.md) and
** of JSONValue's parser (RFC 8259, strictly): an integer that fits 64 bits
** stays an integer, any other number is the correctly rounded double; arrays
** carry the array marker; null is the null sentinel; a repeated key keeps the
** last value. An object with a key that is not plain ASCII among others is
** left to JSONValue's parser too (it counts "é" and "e\u0301" as one key). On anything that is not JSON (or nests past the limit) it gives
** up, and the caller runs JSONValue's parser, which says what is wrong and
** where (line, column): the messages have one source. */

#define _GNU_SOURCE /* strtod_l */
#include "CLuaShim.h"
#include "JSONText.h"

#include <locale.h>
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

typedef struct {
  lua_State *L;
  const unsigned char *p, *end;
  int depth;
  int marker; /* stack index of the array marker */
  int null;   /* stack index of the null sentinel */
} Decoder;

static int decode_value(Decoder *d);

static inline void skip_space(Decoder *d) {
  while (d->p < d->end && (*d->p == ' ' || *d->p == '\n' || *d->p == '\r' || *d->p == '\t')) d->p++;
}

/* Whether any of eight bytes is a quote, a backslash, a control character or
** not ASCII: what ends a run of plain string bytes. */
static inline int needs_attention(uint64_t w) {
  const uint64_t ones = 0x0101010101010101ULL, highs = 0x8080808080808080ULL;
  uint64_t quote = w ^ (ones * '"'), backslash = w ^ (ones * '\\');
  return ((w | ((w - ones * 0x20) & ~w) | ((quote - ones) & ~quote) | ((backslash - ones) & ~backslash)) & highs) != 0;
}

/* Steps over plain string bytes (printable ASCII but '"' and '\\'). */
static inline void skip_plain(Decoder *d) {
  while (d->end - d->p >= 8) {
    uint64_t w;
    memcpy(&w, d->p, 8);
    if (needs_attention(w)) break;
    d->p += 8;
  }
  while (d->p < d->end && *d->p >= 0x20 && *d->p < 0x80 && *d->p != '"' && *d->p != '\\') d->p++;
}

static int hex4(const unsigned char *s, unsigned *unit) {
  unsigned u = 0;
  for (int i = 0; i < 4; i++) {
    unsigned char c = s[i];
    u <<= 4;
    if (c >= '0' && c <= '9') u |= c - '0';
    else if (c >= 'a' && c <= 'f') u |= c - 'a' + 10;
    else if (c >= 'A' && c <= 'F') u |= c - 'A' + 10;
    else return 0;
  }
  *unit = u;
  return 1;
}

/* Appends the escape at d->p (a backslash) to b, decoded. */
static int decode_escape(Decoder *d, luaL_Buffer *b) {
  if (d->end - d->p < 2) return 0;
  unsigned char letter = d->p[1];
  d->p += 2;
  switch (letter) {
    case '"': case '\\': case '/': luaL_addchar(b, (char)letter); return 1;
    case 'b': luaL_addchar(b, '\b'); return 1;
    case 'f': luaL_addchar(b, '\f'); return 1;
    case 'n': luaL_addchar(b, '\n'); return 1;
    case 'r': luaL_addchar(b, '\r'); return 1;
    case 't': luaL_addchar(b, '\t'); return 1;
    case 'u': break;
    default: return 0;
  }
  unsigned cp;
  if (d->end - d->p < 4 || !hex4(d->p, &cp)) return 0;
  d->p += 4;
  if (cp >= 0xDC00 && cp <= 0xDFFF) return 0; /* a low surrogate alone */
  if (cp >= 0xD800 && cp <= 0xDBFF) {
    unsigned low;
    if (d->end - d->p < 6 || d->p[0] != '\\' || d->p[1] != 'u' || !hex4(d->p + 2, &low)) return 0;
    if (low < 0xDC00 || low > 0xDFFF) return 0;
    d->p += 6;
    cp = 0x10000 + ((cp - 0xD800) << 10) + (low - 0xDC00);
  }
  char utf8[4];
  size_t n;
  if (cp < 0x80) { utf8[0] = (char)cp; n = 1; }
  else if (cp < 0x800) { utf8[0] = (char)(0xC0 | cp >> 6); utf8[1] = (char)(0x80 | (cp & 0x3F)); n = 2; }
  else if (cp < 0x10000) {
    utf8[0] = (char)(0xE0 | cp >> 12); utf8[1] = (char)(0x80 | ((cp >> 6) & 0x3F)); utf8[2] = (char)(0x80 | (cp & 0x3F)); n = 3;
  } else {
    utf8[0] = (char)(0xF0 | cp >> 18); utf8[1] = (char)(0x80 | ((cp >> 12) & 0x3F));
    utf8[2] = (char)(0x80 | ((cp >> 6) & 0x3F)); utf8[3] = (char)(0x80 | (cp & 0x3F)); n = 4;
  }
  luaL_addlstring(b, utf8, n);
  return 1;
}

/* The string at d->p (its opening quote), pushed. Text without escapes is
** pushed straight from the input; the rest is built in a luaL_Buffer (nothing
** else touches the stack meanwhile). */
static int decode_string(Decoder *d) {
  const unsigned char *start = ++d->p;
  for (;;) {
    skip_plain(d);
    if (d->p >= d->end) return 0;
    unsigned char c = *d->p;
    if (c == '"') {
      lua_pushlstring(d->L, (const char *)start, (size_t)(d->p - start));
      d->p++;
      return 1;
    }
    if (c == '\\') break;
    if (c < 0x20) return 0;
    size_t n = luash_utf8_sequence(d->p, (size_t)(d->end - d->p));
    if (n == 0) return 0;
    d->p += n;
  }
  luaL_Buffer b;
  luaL_buffinit(d->L, &b);
  luaL_addlstring(&b, (const char *)start, (size_t)(d->p - start));
  for (;;) {
    const unsigned char *run = d->p;
    skip_plain(d);
    if (d->p > run) luaL_addlstring(&b, (const char *)run, (size_t)(d->p - run));
    if (d->p >= d->end) return 0;
    unsigned char c = *d->p;
    if (c == '"') {
      d->p++;
      luaL_pushresult(&b);
      return 1;
    }
    if (c == '\\') {
      if (!decode_escape(d, &b)) return 0;
      continue;
    }
    if (c < 0x20) return 0;
    size_t n = luash_utf8_sequence(d->p, (size_t)(d->end - d->p));
    if (n == 0) return 0;
    luaL_addlstring(&b, (const char *)d->p, n);
    d->p += n;
  }
}

/* Accumulates up to 19 significant digits (all a uint64 surely holds); past
** them only *count grows, which tells the caller the mantissa is inexact. */
static void read_digits(Decoder *d, uint64_t *mantissa, int *count, int *exponent, int fraction) {
  while (d->p < d->end && (unsigned)(*d->p - '0') < 10) {
    unsigned digit = *d->p - '0';
    if (*count >= 19) {
      (*count)++;
    } else {
      if (*mantissa != 0 || digit != 0) {
        *mantissa = *mantissa * 10 + digit;
        (*count)++;
      }
      if (fraction) (*exponent)--;
    }
    d->p++;
  }
}

static const double powers_of_ten[] = {1e0,  1e1,  1e2,  1e3,  1e4,  1e5,  1e6,  1e7,  1e8,  1e9,  1e10, 1e11,
                                       1e12, 1e13, 1e14, 1e15, 1e16, 1e17, 1e18, 1e19, 1e20, 1e21, 1e22};

/* The number at d->p, pushed: as JSONValue's parser reads it (an integer
** that fits int64 exactly; Clinger's fast path; else strtod in the C locale,
** which rounds correctly too). Out of range (infinite) is not taken. */
static int decode_number(Decoder *d) {
  const unsigned char *start = d->p;
  int negative = *d->p == '-';
  if (negative) d->p++;
  uint64_t mantissa = 0;
  int digits = 0, exponent = 0, integer = 1;
  if (d->p >= d->end || (unsigned)(*d->p - '0') >= 10) return 0;
  if (*d->p == '0') {
    d->p++;
    if (d->p < d->end && (unsigned)(*d->p - '0') < 10) return 0; /* a leading zero */
  } else {
    read_digits(d, &mantissa, &digits, &exponent, 0);
  }
  if (d->p < d->end && *d->p == '.') {
    integer = 0;
    d->p++;
    if (d->p >= d->end || (unsigned)(*d->p - '0') >= 10) return 0;
    read_digits(d, &mantissa, &digits, &exponent, 1);
  }
  if (d->p < d->end && (*d->p | 0x20) == 'e') {
    integer = 0;
    d->p++;
    int minus = 0;
    if (d->p < d->end && (*d->p == '-' || *d->p == '+')) minus = *d->p++ == '-';
    if (d->p >= d->end || (unsigned)(*d->p - '0') >= 10) return 0;
    int value = 0;
    while (d->p < d->end && (unsigned)(*d->p - '0') < 10) {
      value = value * 10 + (*d->p++ - '0');
      if (value > 1000000) value = 1000000;
    }
    exponent += minus ? -value : value;
  }
  if (integer && digits <= 19) {
    if (!negative && mantissa <= (uint64_t)INT64_MAX) {
      lua_pushinteger(d->L, (lua_Integer)mantissa);
      return 1;
    }
    if (negative && mantissa <= (uint64_t)INT64_MAX + 1) {
      lua_pushinteger(d->L, (lua_Integer)(0 - mantissa));
      return 1;
    }
  }
  double value;
  if (digits <= 19 && mantissa <= (1ULL << 53) && exponent >= -22 && exponent <= 22) {
    value = (double)mantissa;
    value = exponent >= 0 ? value * powers_of_ten[exponent] : value / powers_of_ten[-exponent];
    if (negative) value = -value;
  } else {
    static locale_t c_locale;
    if (c_locale == (locale_t)0) c_locale = newlocale(LC_ALL_MASK, "C", (locale_t)0);
    if (c_locale == (locale_t)0) return 0;
    /* strtod needs a terminated string: a copy of the number's text (on the
    ** C stack, or as a Lua string when it is long). */
    size_t n = (size_t)(d->p - start);
    char text[64];
    if (n < sizeof text) {
      memcpy(text, start, n);
      text[n] = 0;
      value = strtod_l(text, NULL, c_locale);
    } else {
      lua_pushlstring(d->L, (const char *)start, n);
      value = strtod_l(lua_tostring(d->L, -1), NULL, c_locale);
      lua_pop(d->L, 1);
    }
    if (!isfinite(value)) return 0;
  }
  lua_pushnumber(d->L, (lua_Number)value);
  return 1;
}

static int decode_literal(Decoder *d, const char *word, size_t n) {
  if ((size_t)(d->end - d->p) < n || memcmp(d->p, word, n) != 0) return 0;
  d->p += n;
  return 1;
}

/* The array or object at d->p, pushed: each element (or "key": value) is
** followed by ',' or the closing bracket. Arrays get the array marker. */
static int decode_container(Decoder *d, int object) {
  lua_State *L = d->L;
  unsigned char closer = object ? '}' : ']';
  if (d->depth >= LUASH_JSON_MAX_DEPTH || !lua_checkstack(L, 4)) return 0;
  d->depth++;
  d->p++;
  lua_createtable(L, 0, 0);
  skip_space(d);
  if (d->p < d->end && *d->p == closer) {
    d->p++;
  } else {
    int unicode_keys = 0;
    for (lua_Integer i = 1;; i++) {
      if (object) {
        skip_space(d);
        const unsigned char *key = d->p;
        if (d->p >= d->end || *d->p != '"' || !decode_string(d)) return 0;
        for (; key < d->p && !unicode_keys; key++) unicode_keys = *key >= 0x80 || *key == '\\';
        /* Keys that are the same text in two Unicode forms are one key to
        ** JSONValue's parser (the last wins), two to Lua: it decides. */
        if (unicode_keys && i > 1) return 0;
        skip_space(d);
        if (d->p >= d->end || *d->p != ':') return 0;
        d->p++;
      }
      if (!decode_value(d)) return 0;
      if (object) {
        lua_rawset(L, -3); /* a repeated key: the last one wins */
      } else {
        lua_rawseti(L, -2, i);
      }
      skip_space(d);
      if (d->p >= d->end) return 0;
      if (*d->p == ',') { d->p++; continue; }
      if (*d->p != closer) return 0;
      d->p++;
      break;
    }
  }
  if (!object) {
    lua_pushvalue(L, d->marker);
    lua_setmetatable(L, -2);
  }
  d->depth--;
  return 1;
}

static int decode_value(Decoder *d) {
  skip_space(d);
  if (d->p >= d->end) return 0;
  switch (*d->p) {
    case '{': return decode_container(d, 1);
    case '[': return decode_container(d, 0);
    case '"': return decode_string(d);
    case 't': if (!decode_literal(d, "true", 4)) return 0; lua_pushboolean(d->L, 1); return 1;
    case 'f': if (!decode_literal(d, "false", 5)) return 0; lua_pushboolean(d->L, 0); return 1;
    case 'n': if (!decode_literal(d, "null", 4)) return 0; lua_pushvalue(d->L, d->null); return 1;
    case '-': case '0': case '1': case '2': case '3': case '4': case '5': case '6': case '7': case '8': case '9':
      return decode_number(d);
    default: return 0;
  }
}

/* A Lua C function: (text) or (lightuserdata bytes, integer length) -> the
** value, or nil when the bytes are not one JSON text (or nest too deep). */
int luash_json_decode(lua_State *L) {
  size_t length;
  const unsigned char *bytes;
  if (lua_type(L, 1) == LUA_TSTRING) {
    bytes = (const unsigned char *)lua_tolstring(L, 1, &length);
  } else {
    bytes = lua_touserdata(L, 1);
    length = (size_t)lua_tointeger(L, 2);
  }
  lua_settop(L, 2); /* a string argument stays at 1: it holds the bytes */
  luash_push_array_marker(L);
  luash_push_null(L);
  Decoder d = {L, bytes, bytes + length, 0, 3, 4};
  if (bytes == NULL || !decode_value(&d)) {
    lua_pushnil(L);
    return 1;
  }
  skip_space(&d);
  if (d.p != d.end) lua_pushnil(L);
  return 1;
}
