/* json.encode's fast path: a Lua value straight to compact JSON text, by the
** rules of LuaKit's Lua <-> JSON bridge (docs/luakit.md). It handles every
** value that has a JSON form; for anything else (a cycle, NaN, a function, a
** mixed table, invalid UTF-8, nesting over the limit) it gives up, and the
** caller runs the Swift path, which says exactly what is wrong and where.
** A cycle is found as nesting past the limit (as lua-cjson finds it): no
** table is compared with the ones above it, which would cost O(depth). */

#include "CLuaShim.h"
#include "JSONText.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

typedef struct {
  const char *s;
  size_t len;
  int value; /* the stack index of its value, or 0 when it is not kept there */
} Key;

/* The text being written, and the object keys being sorted (a stack: each
** table's keys sit above its parent's while it is written): malloc'd, held
** by a userdata whose __gc frees them, so nothing leaks if Lua raises (out of
** memory) half-way. (luaL_Buffer would need the stack untouched between its
** calls; the encoder pushes values.) */
typedef struct {
  char *data;
  size_t len, cap;
  Key *keys;
  size_t nkeys, keycap;
} Text;

typedef struct {
  lua_State *L;
  Text *b;
  int depth;
  int marker; /* stack index of the array marker */
} Encoder;

/* An object's values stay on the Lua stack from the one pass over its keys
** (no second lookup per key) while there are at most this many. */
#define VALUES_ON_STACK 64

static int text_gc(lua_State *L) {
  Text *t = lua_touserdata(L, 1);
  free(t->data);
  free(t->keys);
  t->data = NULL;
  t->keys = NULL;
  return 0;
}

/* Room for one more key on the key stack. */
static void reserve_key(lua_State *L, Text *t) {
  if (t->nkeys < t->keycap) return;
  size_t cap = t->keycap ? t->keycap * 2 : 64;
  Key *keys = realloc(t->keys, cap * sizeof(Key));
  if (keys == NULL) luaL_error(L, "not enough memory");
  t->keys = keys;
  t->keycap = cap;
}

static void add(lua_State *L, Text *t, const char *s, size_t n) {
  if (t->len + n > t->cap) {
    size_t cap = t->cap ? t->cap : 256;
    while (cap < t->len + n) cap *= 2;
    char *data = realloc(t->data, cap);
    if (data == NULL) luaL_error(L, "not enough memory");
    t->data = data;
    t->cap = cap;
  }
  memcpy(t->data + t->len, s, n);
  t->len += n;
}

static int encode(Encoder *e, int idx);

static void put(Encoder *e, const char *s, size_t n) { add(e->L, e->b, s, n); }
static void put_str(Encoder *e, const char *s) { add(e->L, e->b, s, strlen(s)); }
static void put_char(Encoder *e, char c) { add(e->L, e->b, &c, 1); }

/* A JSON string; 0 (give up) when s is not valid UTF-8. One pass: plain
** ASCII is copied in runs, other bytes are checked as UTF-8 where they are. */
static int write_string(Encoder *e, const char *s, size_t len) {
  static const char hex[] = "0123456789abcdef";
  const unsigned char *u = (const unsigned char *)s;
  put_char(e, '"');
  size_t start = 0, i = 0;
  while (i < len) {
    unsigned char c = u[i];
    if (c >= 0x20 && c != '"' && c != '\\' && c < 0x80) { i++; continue; }
    if (c >= 0x80) {
      size_t n = luash_utf8_sequence(u + i, len - i);
      if (n == 0) return 0;
      i += n;
      continue;
    }
    put(e, s + start, i - start);
    switch (c) {
      case '"': put_str(e, "\\\""); break;
      case '\\': put_str(e, "\\\\"); break;
      case '\b': put_str(e, "\\b"); break;
      case '\f': put_str(e, "\\f"); break;
      case '\n': put_str(e, "\\n"); break;
      case '\r': put_str(e, "\\r"); break;
      case '\t': put_str(e, "\\t"); break;
      default: {
        char esc[7] = {'\\', 'u', '0', '0', hex[c >> 4], hex[c & 15], 0};
        put_str(e, esc);
      }
    }
    start = ++i;
  }
  put(e, s + start, len - start);
  put_char(e, '"');
  return 1;
}

/* Writes the shortest text that reads back as d, as Swift's Double.description
** does (so this path and JSONValue's writer agree: "100.0", "0.0001",
** "1e+16", "1e-05"); LuaKit sets it (luash_json_set_double_formatter). */
static size_t (*format_double)(double d, char *text, size_t capacity);

void luash_json_set_double_formatter(size_t (*formatter)(double, char *, size_t)) { format_double = formatter; }

static int write_double(Encoder *e, double d) {
  char text[48];
  if (format_double == NULL) return 0;
  size_t n = format_double(d, text, sizeof text);
  if (n == 0 || n > sizeof text) return 0;
  put(e, text, n);
  if (memchr(text, '.', n) == NULL && memchr(text, 'e', n) == NULL) put_str(e, ".0");
  return 1;
}

static int compare_keys(const void *a, const void *b) {
  const Key *x = a, *y = b;
  size_t n = x->len < y->len ? x->len : y->len;
  int c = memcmp(x->s, y->s, n);
  if (c != 0) return c;
  return (x->len > y->len) - (x->len < y->len);
}

/* Byte order; insertion sort for the few keys objects usually have. */
static void sort_keys(Key *keys, size_t n) {
  if (n > 16) {
    qsort(keys, n, sizeof(Key), compare_keys);
    return;
  }
  for (size_t i = 1; i < n; i++) {
    Key k = keys[i];
    size_t j = i;
    while (j > 0 && compare_keys(&keys[j - 1], &k) > 0) {
      keys[j] = keys[j - 1];
      j--;
    }
    keys[j] = k;
  }
}

/* An integer in decimal, without snprintf. */
static void write_integer(Encoder *e, lua_Integer i) {
  char text[24];
  char *end = text + sizeof text, *p = end;
  lua_Unsigned u = i < 0 ? (lua_Unsigned)0 - (lua_Unsigned)i : (lua_Unsigned)i;
  do {
    *--p = (char)('0' + u % 10);
    u /= 10;
  } while (u != 0);
  if (i < 0) *--p = '-';
  put(e, p, (size_t)(end - p));
}

static int is_array_marked(Encoder *e, int idx) {
  if (!lua_getmetatable(e->L, idx)) return 0;
  int marked = lua_rawequal(e->L, -1, e->marker);
  lua_pop(e->L, 1);
  return marked;
}

static int encode_table(Encoder *e, int idx) {
  lua_State *L = e->L;
  if (e->depth >= LUASH_JSON_MAX_DEPTH || !lua_checkstack(L, 4)) return 0;
  /* Array or object, from the keys; string keys go on the key stack as they
  ** come, the first VALUES_ON_STACK of them with their values left on the
  ** Lua stack (a copy of the key above each, for lua_next). */
  Text *t = e->b;
  size_t base = t->nkeys;
  int top = lua_gettop(L);
  lua_Integer count = 0, max = 0, strings = 0;
  int unicode_keys = 0;
  lua_pushnil(L);
  while (lua_next(L, idx)) {
    if (lua_type(L, -2) == LUA_TSTRING) {
      reserve_key(L, t);
      Key *k = &t->keys[t->nkeys++];
      k->s = lua_tolstring(L, -2, &k->len); /* the table keeps the string alive */
      for (size_t i = 0; i < k->len && !unicode_keys; i++) unicode_keys = (unsigned char)k->s[i] >= 0x80;
      strings++;
      if (strings <= VALUES_ON_STACK && lua_checkstack(L, 3)) {
        k->value = lua_gettop(L);
        lua_pushvalue(L, -2);
        continue;
      }
      k->value = 0;
    } else if (lua_isinteger(L, -2) && lua_tointeger(L, -2) >= 1) {
      count++;
      if (lua_tointeger(L, -2) > max) max = lua_tointeger(L, -2);
    } else {
      lua_settop(L, top);
      t->nkeys = base;
      return 0;
    }
    lua_pop(L, 1);
  }
  int marked = is_array_marked(e, idx);
  /* Non-ASCII keys may be the same text in two Unicode forms, which the Swift
  ** path refuses: it decides for objects with more than one of them. */
  if ((count > 0 && strings > 0) || (strings > 0 && marked) || count != max || (unicode_keys && strings > 1)) {
    lua_settop(L, top);
    t->nkeys = base;
    return 0;
  }
  e->depth++;
  if (strings == 0 && (count > 0 || marked)) {
    put_char(e, '[');
    for (lua_Integer i = 1; i <= count; i++) {
      if (i > 1) put_char(e, ',');
      lua_rawgeti(L, idx, i);
      int ok = encode(e, lua_gettop(L));
      lua_pop(L, 1);
      if (!ok) return 0;
    }
    put_char(e, ']');
  } else {
    /* Keys in byte order, so the text is the same every time. */
    sort_keys(t->keys + base, (size_t)strings);
    put_char(e, '{');
    for (lua_Integer i = 0; i < strings; i++) {
      Key k = t->keys[base + i]; /* a copy: writing the value may move the key stack */
      if (i > 0) put_char(e, ',');
      if (!write_string(e, k.s, k.len)) return 0;
      put_char(e, ':');
      if (k.value != 0) {
        if (!encode(e, k.value)) return 0;
      } else {
        lua_pushlstring(L, k.s, k.len);
        lua_rawget(L, idx);
        int ok = encode(e, lua_gettop(L));
        lua_pop(L, 1);
        if (!ok) return 0;
      }
    }
    put_char(e, '}');
    t->nkeys = base;
  }
  lua_settop(L, top);
  e->depth--;
  return 1;
}

static int encode(Encoder *e, int idx) {
  lua_State *L = e->L;
  switch (lua_type(L, idx)) {
    case LUA_TNIL: case LUA_TNONE:
      put_str(e, "null");
      return 1;
    case LUA_TBOOLEAN:
      put_str(e, lua_toboolean(L, idx) ? "true" : "false");
      return 1;
    case LUA_TNUMBER:
      if (lua_isinteger(L, idx)) {
        write_integer(e, lua_tointeger(L, idx));
        return 1;
      } else {
        double d = (double)lua_tonumber(L, idx);
        if (!isfinite(d)) return 0;
        return write_double(e, d);
      }
    case LUA_TSTRING: {
      size_t len;
      const char *s = lua_tolstring(L, idx, &len);
      return write_string(e, s, len);
    }
    case LUA_TUSERDATA:
      if (!luash_is_null(L, idx)) return 0;
      put_str(e, "null");
      return 1;
    case LUA_TTABLE:
      return encode_table(e, idx);
    default:
      return 0;
  }
}

/* json.encode's fast path, a Lua C function: (value) -> text, or nil when
** the value has no JSON form (the caller then asks the Swift path why). */
int luash_json_encode(lua_State *L) {
  Encoder e;
  lua_settop(L, 1);
  Text *text = lua_newuserdatauv(L, sizeof(Text), 0);
  memset(text, 0, sizeof *text);
  if (luaL_newmetatable(L, "LuaKit.jsontext")) {
    lua_pushcfunction(L, text_gc);
    lua_setfield(L, -2, "__gc");
  }
  lua_setmetatable(L, -2);
  luash_push_array_marker(L);
  e.L = L;
  e.b = text;
  e.depth = 0;
  e.marker = lua_gettop(L);
  if (!encode(&e, 1)) {
    lua_pushnil(L);
    return 1;
  }
  lua_pushlstring(L, text->data ? text->data : "", text->len);
  free(text->data);
  free(text->keys);
  text->data = NULL;
  text->keys = NULL;
  return 1;
}
