#ifndef CLUASHIM_H
#define CLUASHIM_H
/*
** C helpers for LuaKit.
**
** Swift cannot see Lua's function-like macros, and it must never be unwound by
** Lua's longjmp-based errors (Swift defers and deinits would silently not run).
** This header provides:
**   - the macros as static inline functions;
**   - the host-call trampoline: Swift functions run between a C frame that raises
**     their errors only after they have returned, and the protected calls they make;
**   - protected versions of the operations that may run metamethods;
**   - a counting allocator with an optional limit that never fails while host
**     (Swift) code runs, so an allocation can never raise inside a Swift frame;
**   - lua.c's message handler and SIGINT hook.
*/
#include <lua.h>
#include <lauxlib.h>
#include <lualib.h>
#include <stddef.h>
#include <stdio.h>

/* C's standard streams (Swift 6 cannot touch the global variables). */
static inline FILE *luash_stdin(void) { return stdin; }
static inline FILE *luash_stdout(void) { return stdout; }
static inline FILE *luash_stderr(void) { return stderr; }

/* ---- Lua's macros, as functions Swift can call ---- */

static inline int luash_upvalueindex(int i) { return LUA_REGISTRYINDEX - i; }
static inline int luash_registryindex(void) { return LUA_REGISTRYINDEX; }
static inline int luash_multret(void) { return LUA_MULTRET; }
static inline void luash_pop(lua_State *L, int n) { lua_settop(L, -(n) - 1); }
static inline void luash_newtable(lua_State *L) { lua_createtable(L, 0, 0); }
static inline void luash_insert(lua_State *L, int idx) { lua_rotate(L, idx, 1); }
static inline void luash_remove(lua_State *L, int idx) { lua_rotate(L, idx, -1); lua_settop(L, -2); }
static inline void luash_replace(lua_State *L, int idx) { lua_copy(L, -1, idx); lua_settop(L, -2); }
static inline const char *luash_tolstring(lua_State *L, int idx, size_t *len) { return lua_tolstring(L, idx, len); }
static inline lua_Number luash_tonumber(lua_State *L, int idx, int *isnum) { return lua_tonumberx(L, idx, isnum); }
static inline lua_Integer luash_tointeger(lua_State *L, int idx, int *isnum) { return lua_tointegerx(L, idx, isnum); }
static inline void *luash_newuserdata(lua_State *L, size_t size) { return lua_newuserdatauv(L, size, 1); }
static inline int luash_getglobal_raw(lua_State *L, const char *name) {
  /* The globals table normally has no metatable; this stays raw even if it has one. */
  lua_rawgeti(L, LUA_REGISTRYINDEX, LUA_RIDX_GLOBALS);
  lua_pushstring(L, name);
  int t = lua_rawget(L, -2);
  lua_rotate(L, -2, -1); lua_settop(L, -2);
  return t;
}
static inline void luash_pushglobaltable(lua_State *L) { lua_rawgeti(L, LUA_REGISTRYINDEX, LUA_RIDX_GLOBALS); }
static inline int luash_isinteger(lua_State *L, int idx) { return lua_isinteger(L, idx); }
static inline const char *luash_copyright(void) { return LUA_COPYRIGHT; }
static inline const char *luash_release(void) { return LUA_RELEASE; }
static inline int luash_version_num(void) { return LUA_VERSION_NUM; }
static inline int luash_gc(lua_State *L, int what) { return lua_gc(L, what, 0); }
static inline void luash_gc_generational(lua_State *L) { lua_gc(L, LUA_GCGEN, 0, 0); }
static inline void **luash_extraspace(lua_State *L) { return (void **)lua_getextraspace(L); }

/* ---- The JSON sentinels: a unique null value and the array-marker metatable ---- */

/* Pushes the unique null sentinel (a userdata whose tostring is "null"). */
void luash_push_null(lua_State *L);
/* Whether the value at 'idx' is the null sentinel. */
int luash_is_null(lua_State *L, int idx);
/* Pushes the metatable that marks a table as a JSON array. */
void luash_push_array_marker(lua_State *L);
/* Whether the table at 'idx' carries the array marker. */
int luash_is_array_marked(lua_State *L, int idx);

/* json.encode's fast path (JSONEncode.c), a Lua C function: (value) -> compact
** JSON text with sorted keys, or nil when the value has no JSON form. */
int luash_json_encode(lua_State *L);
/* Sets how the encoder writes a float: (value, buffer, capacity) -> bytes
** written. Until it is set, a table with a float takes the Swift path. */
void luash_json_set_double_formatter(size_t (*formatter)(double, char *, size_t));

/* json.decode's fast path (JSONDecode.c), a Lua C function: (text) or
** (lightuserdata bytes, integer length) -> the Lua value of one JSON text, or
** nil when the bytes are not JSON (JSONValue's parser then says why). */
int luash_json_decode(lua_State *L);

/* ---- JSON shapes (JSONShape.c): does a decoded value fit? ---- */

#define LUASH_JSON_SHAPE_MAX_DEPTH 1000

enum {
  LUASH_SHAPE_ANY, LUASH_SHAPE_STRING, LUASH_SHAPE_INTEGER, LUASH_SHAPE_NUMBER, LUASH_SHAPE_BOOLEAN,
  LUASH_SHAPE_NULLABLE, /* shapes[0], or null */
  LUASH_SHAPE_ARRAY,    /* every element fits shapes[0] */
  LUASH_SHAPE_OBJECT,   /* member names[i] fits shapes[i]; absent only when not required[i] */
  LUASH_SHAPE_UNION,    /* the member `discriminator` names which case (names[i]) applies; else any case */
  LUASH_SHAPE_ANY_OF    /* one of shapes[0 ..< count] fits */
};

/* One node of a shape graph. Names are numbers (1-based) into the name list
** given to luash_json_fits, so each is made a Lua string once per check. */
typedef struct luash_shape {
  int kind;
  int count;
  struct luash_shape **shapes;
  int *names;
  unsigned char *required;
  int discriminator;
} luash_shape;

/* Whether the value at idx fits `shape` (names[i], lengths[i]: name i + 1). */
int luash_json_fits(lua_State *L, int idx, const luash_shape *shape, const char *const *names, const size_t *lengths, int nnames);

/* ---- Memory: a counting allocator with a soft limit ---- */

typedef struct luash_memory {
  size_t used;    /* bytes currently allocated by the state */
  size_t peak;    /* the most ever allocated */
  size_t limit;   /* 0: no limit */
  int host;       /* nonzero while host (Swift) code runs: never fail then */
} luash_memory;

/* Creates a state whose allocator counts into 'mem' (with lauxlib's panic and
** warning functions, as luaL_newstate). Returns NULL when out of memory. */
lua_State *luash_newstate(luash_memory *mem);

/* ---- Host functions and objects ---- */

/* Called by the trampoline: run the host function 'fn' on 'L'. Returns the
** number of results (>= 0) or -1 when it failed with its error value on top. */
typedef int (*luash_host_call)(lua_State *L, void *fn);
/* Releases a host object or function (drops the reference the userdata held). */
typedef void (*luash_host_release)(void *obj);

/* Installs the two callbacks; call it once per process, before any host function runs. */
void luash_host_setup(luash_host_call call, luash_host_release release);

/* Pushes a Lua function that calls the host function 'fn' (an owned reference:
** released when Lua collects the function). */
void luash_push_host_function(lua_State *L, void *fn);

/* Pushes a full userdata holding the host object 'obj' (an owned reference,
** released by its __gc). The caller sets its metatable, which should come from
** luash_new_host_metatable. */
void luash_push_host_object(lua_State *L, void *obj);

/* Creates (or fetches) the metatable registered as 'name' for host objects,
** with a __gc that releases the object; pushes it. Returns 1 if created. */
int luash_new_host_metatable(lua_State *L, const char *name);

/* The host object in the userdata at 'idx' if its metatable is 'name', else NULL. */
void *luash_to_host_object(lua_State *L, int idx, const char *name);

/* ---- Protected operations: each returns a Lua status (LUA_OK or an error with
** the error value on top of the stack), never raises. Every one of them may
** run metamethods or allocate. ---- */

/* lua_pcall with the host flag cleared while Lua runs. */
int luash_pcall(lua_State *L, int nargs, int nresults, int msgh);
/* Calls the C function 'f' with the top 'nargs' values, protected. */
int luash_pcallf(lua_State *L, lua_CFunction f, int nargs, int nresults);
/* t[k] for t at 'idx' and k on top (replaced by the value). */
int luash_gettable(lua_State *L, int idx);
/* t[k] = v for t at 'idx', k and v on top (both popped). */
int luash_settable(lua_State *L, int idx);
/* Pushes t[name] for t at 'idx'. */
int luash_getfield(lua_State *L, int idx, const char *name);
/* Pushes luaL_tolstring(v) for v at 'idx' (honours __tostring and __name). */
int luash_tostring_meta(lua_State *L, int idx);
/* Pushes #v (honours __len). */
int luash_len(lua_State *L, int idx);

/* ---- lua.c's pieces ---- */

/* The registry field where luash_msghandler leaves the last error object it
** handled, so the host can choose an exit status from it. */
#define LUASH_UNCAUGHT_KEY "LuaKit.uncaught"

/* lua.c's message handler: turns the error into a string (through __tostring
** when there is one) and appends a traceback. Unlike lua.c, an error object
** whose metatable has a true '__traceback' gets the traceback too. It also
** records the error object under LUASH_UNCAUGHT_KEY. */
int luash_msghandler(lua_State *L);

/* Runs the function under 'nargs' arguments with luash_msghandler as message
** handler and the SIGINT hook armed, as lua.c's docall. */
int luash_docall(lua_State *L, int nargs, int nresults);

/* Arms SIGINT: the first one sets a hook that raises "interrupted!" in the
** running Lua code; a second one, before the hook runs, ends the process. */
void luash_sigint_arm(lua_State *L);
/* Restores SIGINT's default action. */
void luash_sigint_disarm(void);

/* Whether a SIGINT arrived while armed and has not been delivered yet (a host
** function blocked in a wait polls this to give up early). Inside a host
** function it stays pending until the function returns: the error it raises
** then is the interruption a pcall around it sees. */
int luash_interrupt_pending(void);

/* The run's deadline (--timeout): after 'seconds', every Lua instruction of
** L (and of the coroutines it creates from now on) raises 'message', so no
** pcall can swallow it. Uses SIGALRM. */
void luash_deadline_arm(lua_State *L, double seconds, const char *message);

/* Whether the deadline has passed. */
int luash_deadline_passed(void);

/* Says that the deadline stopped the running host function's wait: the error
** it raises (naming the request it stopped) becomes the error every later
** instruction raises, instead of the deadline's message. */
void luash_deadline_stopped_call(void);

#endif
