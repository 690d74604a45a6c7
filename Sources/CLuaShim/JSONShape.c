/* Whether a Lua value, as the JSON decoder builds them (arrays carry the
** array marker, null is the null sentinel), fits a JSON shape: the fast test
** that an API answer is what the API documents. It answers yes or no; what
** does not fit is then explained by the Swift side, from the answer's text.
** The shape is a graph LuaKit builds (LuaJSONShape); references make cycles. */

#include "CLuaShim.h"

typedef struct {
  lua_State *L;
  int marker; /* stack index of the array marker */
  int null;   /* stack index of the null sentinel */
  int names;  /* stack index of the table of member names, by number */
} Fit;

static int is_array(Fit *f, int idx) {
  if (!lua_getmetatable(f->L, idx)) return 0;
  int marked = lua_rawequal(f->L, -1, f->marker);
  lua_pop(f->L, 1);
  return marked;
}

static int fits(Fit *f, int idx, const luash_shape *s, int depth);

/* Whether the member `name` (an index into the names) of the table at idx fits s; absent is `absent`. */
static int member_fits(Fit *f, int idx, int name, const luash_shape *s, int absent, int depth) {
  lua_State *L = f->L;
  lua_rawgeti(L, f->names, name);
  if (lua_rawget(L, idx) == LUA_TNIL) {
    lua_pop(L, 1);
    return absent;
  }
  int ok = fits(f, lua_gettop(L), s, depth + 1);
  lua_pop(L, 1);
  return ok;
}

static int any_fits(Fit *f, int idx, const luash_shape *s, int depth) {
  for (int i = 0; i < s->count; i++) if (fits(f, idx, s->shapes[i], depth + 1)) return 1;
  return 0;
}

static int fits(Fit *f, int idx, const luash_shape *s, int depth) {
  lua_State *L = f->L;
  /* Deeper than any answer the decoder takes: say no, and let the Swift side look. */
  if (depth > 4 * LUASH_JSON_SHAPE_MAX_DEPTH || !lua_checkstack(L, 3)) return 0;
  int type = lua_type(L, idx);
  switch (s->kind) {
    case LUASH_SHAPE_ANY: return 1;
    case LUASH_SHAPE_STRING: return type == LUA_TSTRING;
    case LUASH_SHAPE_INTEGER: return type == LUA_TNUMBER && lua_isinteger(L, idx);
    case LUASH_SHAPE_NUMBER: return type == LUA_TNUMBER;
    case LUASH_SHAPE_BOOLEAN: return type == LUA_TBOOLEAN;
    case LUASH_SHAPE_NULLABLE:
      if (type == LUA_TNIL || (type == LUA_TUSERDATA && lua_rawequal(L, idx, f->null))) return 1;
      return fits(f, idx, s->shapes[0], depth + 1);
    case LUASH_SHAPE_ARRAY: {
      if (type != LUA_TTABLE || !is_array(f, idx)) return 0;
      lua_Integer n = (lua_Integer)lua_rawlen(L, idx);
      for (lua_Integer i = 1; i <= n; i++) {
        lua_rawgeti(L, idx, i);
        int ok = fits(f, lua_gettop(L), s->shapes[0], depth + 1);
        lua_pop(L, 1);
        if (!ok) return 0;
      }
      return 1;
    }
    case LUASH_SHAPE_OBJECT:
      if (type != LUA_TTABLE || is_array(f, idx)) return 0;
      for (int i = 0; i < s->count; i++) {
        if (!member_fits(f, idx, s->names[i], s->shapes[i], !s->required[i], depth)) return 0;
      }
      return 1;
    case LUASH_SHAPE_UNION: {
      if (type != LUA_TTABLE || is_array(f, idx)) return 0;
      /* The case the discriminator names, else any case that fits. */
      lua_rawgeti(L, f->names, s->discriminator);
      const luash_shape *chosen = NULL;
      if (lua_rawget(L, idx) == LUA_TSTRING) {
        for (int i = 0; i < s->count && chosen == NULL; i++) {
          lua_rawgeti(L, f->names, s->names[i]);
          if (lua_rawequal(L, -1, -2)) chosen = s->shapes[i];
          lua_pop(L, 1);
        }
      }
      lua_pop(L, 1);
      return chosen != NULL ? fits(f, idx, chosen, depth + 1) : any_fits(f, idx, s, depth);
    }
    case LUASH_SHAPE_ANY_OF: return any_fits(f, idx, s, depth);
    default: return 0;
  }
}

int luash_json_fits(lua_State *L, int idx, const luash_shape *shape, const char *const *names, const size_t *lengths, int nnames) {
  idx = lua_absindex(L, idx);
  if (!lua_checkstack(L, 8)) return 0;
  int base = lua_gettop(L);
  luash_push_array_marker(L);
  luash_push_null(L);
  lua_createtable(L, nnames, 0);
  for (int i = 0; i < nnames; i++) {
    lua_pushlstring(L, names[i], lengths[i]);
    lua_rawseti(L, -2, i + 1);
  }
  Fit f = {L, base + 1, base + 2, base + 3};
  int ok = fits(&f, idx, shape, 0);
  lua_settop(L, base);
  return ok;
}
