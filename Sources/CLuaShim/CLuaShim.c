/*
** C helpers for LuaKit: see include/CLuaShim.h for the why of each part.
*/
#include "CLuaShim.h"

#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <stdio.h>
#include <sys/time.h>
#include <pthread.h>

/* ======================= Memory ======================= */

/* The allocator: counts every block, fails past the limit only while Lua runs. */
static void *counting_alloc(void *ud, void *ptr, size_t osize, size_t nsize) {
  luash_memory *mem = (luash_memory *)ud;
  size_t old = ptr ? osize : 0;  /* when ptr is NULL, osize encodes a type */
  if (nsize == 0) {
    free(ptr);
    mem->used -= old;
    return NULL;
  }
  if (mem->limit != 0 && !mem->host && nsize > old &&
      mem->used - old + nsize > mem->limit)
    return NULL;  /* Lua raises "not enough memory" in the running code */
  void *block = realloc(ptr, nsize);
  if (block == NULL) return NULL;
  mem->used = mem->used - old + nsize;
  if (mem->used > mem->peak) mem->peak = mem->used;
  return block;
}

lua_State *luash_newstate(luash_memory *mem) {
  lua_State *L = luaL_newstate();  /* keeps lauxlib's panic and warning functions */
  if (L == NULL) return NULL;
  /* Count what luaL_newstate already allocated, then take over: both allocators
  ** use realloc/free, so blocks move freely between them. */
  mem->used = (size_t)lua_gc(L, LUA_GCCOUNT, 0) * 1024 + (size_t)lua_gc(L, LUA_GCCOUNTB, 0);
  mem->peak = mem->used;
  mem->host = 1;  /* the host owns the state until it calls into Lua */
  lua_setallocf(L, counting_alloc, mem);
  return L;
}

/* The allocator's state for L, or NULL when L does not use the counting allocator. */
static luash_memory *memory_of(lua_State *L) {
  void *ud = NULL;
  lua_Alloc f = lua_getallocf(L, &ud);
  return f == counting_alloc ? (luash_memory *)ud : NULL;
}

/* ======================= Host functions and objects ======================= */

static luash_host_call host_call = NULL;
static luash_host_release host_release = NULL;

/* Host functions running now on the Lua thread, counted from the innermost
** luash_docall: the program's own code runs at depth 0. */
static int host_depth = 0;

/* What a host function's error means for a pending Ctrl-C or a passed
** deadline (defined with them below). */
static void host_raises(lua_State *L);

void luash_host_setup(luash_host_call call, luash_host_release release) {
  host_call = call;
  host_release = release;
}

#define HOSTFN_META "LuaKit.HostFunction"

/* __gc of the userdata that anchors a host object or function: drop the reference. */
static int host_gc(lua_State *L) {
  void **slot = (void **)lua_touserdata(L, 1);
  if (slot != NULL && *slot != NULL) {
    void *obj = *slot;
    *slot = NULL;
    host_release(obj);
  }
  return 0;
}

/* The trampoline: runs the host function with Swift frames only above this one,
** and raises its error after they are gone. */
static int trampoline(lua_State *L) {
  void **slot = (void **)lua_touserdata(L, lua_upvalueindex(1));
  luash_memory *mem = memory_of(L);
  int saved = mem ? mem->host : 0;
  if (mem) mem->host = 1;
  host_depth++;
  int n = host_call(L, *slot);
  host_depth--;
  if (n < 0) host_raises(L);  /* still as host: it may allocate */
  if (mem) mem->host = saved;
  if (n < 0) return lua_error(L);  /* the error value is on top */
  return n;
}

int luash_new_host_metatable(lua_State *L, const char *name) {
  if (!luaL_newmetatable(L, name)) return 0;
  lua_pushcfunction(L, host_gc);
  lua_setfield(L, -2, "__gc");
  return 1;
}

void luash_push_host_object(lua_State *L, void *obj) {
  void **slot = (void **)lua_newuserdatauv(L, sizeof(void *), 0);
  *slot = obj;
}

void *luash_to_host_object(lua_State *L, int idx, const char *name) {
  void **slot = (void **)luaL_testudata(L, idx, name);
  return slot ? *slot : NULL;
}

void luash_push_host_function(lua_State *L, void *fn) {
  luash_push_host_object(L, fn);
  if (luash_new_host_metatable(L, HOSTFN_META)) {
    lua_pushliteral(L, "host function");
    lua_setfield(L, -2, "__name");
    lua_pushboolean(L, 0);
    lua_setfield(L, -2, "__metatable");  /* scripts cannot reach the anchor */
  }
  lua_setmetatable(L, -2);
  lua_pushcclosure(L, trampoline, 1);
}

/* ======================= Protected operations ======================= */

int luash_pcall(lua_State *L, int nargs, int nresults, int msgh) {
  luash_memory *mem = memory_of(L);
  int saved = mem ? mem->host : 0;
  if (mem) mem->host = 0;
  int status = lua_pcall(L, nargs, nresults, msgh);
  if (mem) mem->host = saved;
  return status;
}

int luash_pcallf(lua_State *L, lua_CFunction f, int nargs, int nresults) {
  lua_pushcfunction(L, f);
  lua_rotate(L, -(nargs + 1), 1);  /* put f under its arguments */
  return luash_pcall(L, nargs, nresults, 0);
}

/* (t, k) -> t[k] */
static int op_gettable(lua_State *L) { lua_gettable(L, 1); return 1; }
/* (t, k, v) -> t[k] = v */
static int op_settable(lua_State *L) { lua_settable(L, 1); return 0; }
/* (v) -> tostring(v) */
static int op_tostring(lua_State *L) { luaL_tolstring(L, 1, NULL); return 1; }
/* (v) -> #v */
static int op_len(lua_State *L) { lua_len(L, 1); return 1; }

int luash_gettable(lua_State *L, int idx) {
  idx = lua_absindex(L, idx);
  lua_pushvalue(L, idx);
  lua_rotate(L, -2, 1);  /* t k */
  return luash_pcallf(L, op_gettable, 2, 1);
}

int luash_settable(lua_State *L, int idx) {
  idx = lua_absindex(L, idx);
  lua_pushvalue(L, idx);
  lua_rotate(L, -3, 1);  /* t k v */
  return luash_pcallf(L, op_settable, 3, 0);
}

int luash_getfield(lua_State *L, int idx, const char *name) {
  idx = lua_absindex(L, idx);
  lua_pushstring(L, name);
  return luash_gettable(L, idx);
}

int luash_tostring_meta(lua_State *L, int idx) {
  lua_pushvalue(L, idx);
  return luash_pcallf(L, op_tostring, 1, 1);
}

int luash_len(lua_State *L, int idx) {
  lua_pushvalue(L, idx);
  return luash_pcallf(L, op_len, 1, 1);
}

/* ======================= lua.c's pieces ======================= */

int luash_msghandler(lua_State *L) {
  lua_pushvalue(L, 1);  /* keep the error object for the host (its exit status) */
  lua_setfield(L, LUA_REGISTRYINDEX, LUASH_UNCAUGHT_KEY);
  const char *msg = lua_tostring(L, 1);
  if (msg == NULL) {  /* is error object not a string? */
    if (luaL_callmeta(L, 1, "__tostring") &&  /* does it have a metamethod */
        lua_type(L, -1) == LUA_TSTRING) {  /* that produces a string? */
      if (luaL_getmetafield(L, 1, "__traceback") == LUA_TNIL)
        return 1;  /* that is the message */
      lua_pop(L, 1);  /* a true __traceback: the message and a traceback */
      msg = lua_tostring(L, -1);
    }
    else
      msg = lua_pushfstring(L, "(error object is a %s value)", luaL_typename(L, 1));
  }
  luaL_traceback(L, L, msg, 1);  /* append a standard traceback */
  return 1;
}

static lua_State *volatile interrupted_state = NULL;
static volatile sig_atomic_t interrupt_pending = 0;

/* The thread that runs Lua. A signal can reach any thread of the process
** (procsh has HTTP threads); handlers pass it on to this one, so that the
** call it is blocked in (a sleep, a read) is interrupted. */
static pthread_t lua_thread;
static volatile sig_atomic_t lua_thread_known = 0;

/* In a handler: passes the signal on to the Lua thread; 1 if it did. */
static int forward_to_lua_thread(int sig) {
  if (lua_thread_known && !pthread_equal(pthread_self(), lua_thread)) {
    pthread_kill(lua_thread, sig);
    return 1;
  }
  return 0;
}

static void remember_lua_thread(void) {
  lua_thread = pthread_self();
  lua_thread_known = 1;
}

/* ======================= the run's deadline ======================= */

static volatile sig_atomic_t deadline_passed = 0;
static int deadline_armed = 0;
static lua_State *deadline_state = NULL;
static char deadline_message[200];
/* Set when the deadline stopped a host function's wait (an API call): the
** error that function raises is then the run's error (DEADLINE_ERROR_KEY). */
static int deadline_stopped_call = 0;
#define DEADLINE_ERROR_KEY "LuaKit.deadline.error"

/* Checks the deadline every DEADLINE_COUNT instructions; once it has passed,
** raises on every instruction, so no pcall can swallow it: the error of the
** call the deadline stopped (which names its request), or the deadline's
** message. Coroutines inherit the hook from the thread that creates them. */
#define DEADLINE_COUNT 1000
static void deadline_hook(lua_State *L, lua_Debug *ar) {
  (void)ar;
  if (!deadline_passed) return;
  lua_sethook(L, deadline_hook, LUA_MASKCOUNT, 1);
  if (lua_getfield(L, LUA_REGISTRYINDEX, DEADLINE_ERROR_KEY) != LUA_TNIL)
    lua_error(L);
  lua_settop(L, -2);
  luaL_error(L, "%s", deadline_message);
}

/* At SIGALRM: the next instruction raises (lua_sethook is safe in a signal
** handler, as lua.c's SIGINT handling relies on), so a script that was
** waiting in a host function (procsh.sleep) stops as soon as it returns. */
static void on_sigalrm(int sig) {
  if (forward_to_lua_thread(sig)) return;
  deadline_passed = 1;
  if (deadline_state != NULL) lua_sethook(deadline_state, deadline_hook, LUA_MASKCOUNT, 1);
}

/* The hook a state has when no signal is pending: the deadline's, if armed. */
static void restore_hook(lua_State *L) {
  if (deadline_armed)
    lua_sethook(L, deadline_hook, LUA_MASKCOUNT, deadline_passed ? 1 : DEADLINE_COUNT);
  else
    lua_sethook(L, NULL, 0, 0);
}

/* The hook the signal sets: stop the running code with an error. In the
** program's own code (host depth 0) the interrupt is then delivered, as in
** lua.c. Inside a host function (in a protected operation it makes, or Lua
** code it calls) it stays pending and the hook stays set: host code that
** swallows the error cannot lose the Ctrl-C, which is delivered when the
** host function raises (host_raises) or its caller's code runs again. */
static void interrupt_hook(lua_State *L, lua_Debug *ar) {
  (void)ar;
  if (host_depth == 0) {
    restore_hook(L);  /* reset hook */
    interrupt_pending = 0;
  }
  luaL_error(L, "interrupted!");
}

/* A host function is about to raise the error on top of L's stack. At depth 0
** that error reaches the program's code, so a pending Ctrl-C (which a wait
** turned into this error, or which the host code met) is delivered by it: a
** pcall around the call gets this error, and no "interrupted!" follows. An
** error of a call the deadline stopped is kept to be the run's error. */
static void host_raises(lua_State *L) {
  if (host_depth == 0 && interrupt_pending) {
    interrupt_pending = 0;
    if (interrupted_state != NULL) restore_hook(interrupted_state);
  }
  if (deadline_passed && deadline_stopped_call) {
    deadline_stopped_call = 0;
    lua_pushvalue(L, -1);
    lua_setfield(L, LUA_REGISTRYINDEX, DEADLINE_ERROR_KEY);
  }
}

/* Sets a signal's action with sigaction, masking nothing. */
static void set_signal(int sig, void (*handler)(int)) {
  struct sigaction sa;
  sa.sa_handler = handler;
  sa.sa_flags = 0;
  sigemptyset(&sa.sa_mask);
  sigaction(sig, &sa, NULL);
}

/* At SIGINT: a C signal cannot touch the state, so it only sets a hook (and
** a flag, which a host function blocked in a wait polls). */
static void on_sigint(int sig) {
  int flag = LUA_MASKCALL | LUA_MASKRET | LUA_MASKLINE | LUA_MASKCOUNT;
  if (forward_to_lua_thread(sig)) return;
  set_signal(sig, SIG_DFL);  /* if another SIGINT happens, terminate the process */
  interrupt_pending = 1;
  if (interrupted_state != NULL)
    lua_sethook(interrupted_state, interrupt_hook, flag, 1);
}

void luash_sigint_arm(lua_State *L) {
  remember_lua_thread();
  interrupted_state = L;
  set_signal(SIGINT, on_sigint);
}

void luash_sigint_disarm(void) {
  set_signal(SIGINT, SIG_DFL);
  if (interrupt_pending && interrupted_state != NULL)
    restore_hook(interrupted_state);  /* a Ctrl-C that came too late stays out of the next call */
  interrupt_pending = 0;
}

int luash_interrupt_pending(void) {
  return interrupt_pending;
}

void luash_deadline_arm(lua_State *L, double seconds, const char *message) {
  struct itimerval timer;
  snprintf(deadline_message, sizeof deadline_message, "%s", message);
  remember_lua_thread();
  deadline_armed = 1;
  deadline_state = L;
  set_signal(SIGALRM, on_sigalrm);
  memset(&timer, 0, sizeof timer);
  timer.it_value.tv_sec = (time_t)seconds;
  timer.it_value.tv_usec = (suseconds_t)((seconds - (double)(time_t)seconds) * 1e6);
  if (timer.it_value.tv_sec == 0 && timer.it_value.tv_usec == 0) timer.it_value.tv_usec = 1;
  setitimer(ITIMER_REAL, &timer, NULL);
  lua_sethook(L, deadline_hook, LUA_MASKCOUNT, DEADLINE_COUNT);
}

int luash_deadline_passed(void) {
  return deadline_passed;
}

void luash_deadline_stopped_call(void) {
  deadline_stopped_call = 1;
}

int luash_docall(lua_State *L, int nargs, int nresults) {
  int base = lua_gettop(L) - nargs;  /* function index */
  lua_pushcfunction(L, luash_msghandler);
  lua_rotate(L, base, 1);  /* put it under function and args */
  int depth = host_depth;  /* the code called here is the program's own */
  host_depth = 0;
  luash_sigint_arm(L);
  int status = luash_pcall(L, nargs, nresults, base);
  luash_sigint_disarm();
  host_depth = depth;
  lua_rotate(L, base, -1);  /* remove the message handler */
  lua_settop(L, -2);
  return status;
}

/* ======================= JSON sentinels ======================= */

#define NULL_KEY "LuaKit.null"
#define ARRAY_KEY "LuaKit.array"

/* __tostring of the null sentinel. */
static int null_tostring(lua_State *L) {
  lua_pushliteral(L, "null");
  return 1;
}

void luash_push_null(lua_State *L) {
  if (lua_getfield(L, LUA_REGISTRYINDEX, NULL_KEY) != LUA_TUSERDATA) {
    lua_settop(L, -2);
    lua_newuserdatauv(L, 0, 0);
    lua_createtable(L, 0, 3);
    lua_pushcfunction(L, null_tostring);
    lua_setfield(L, -2, "__tostring");
    lua_pushliteral(L, "null");
    lua_setfield(L, -2, "__name");
    lua_pushboolean(L, 0);
    lua_setfield(L, -2, "__metatable");
    lua_setmetatable(L, -2);
    lua_pushvalue(L, -1);
    lua_setfield(L, LUA_REGISTRYINDEX, NULL_KEY);
  }
}

int luash_is_null(lua_State *L, int idx) {
  if (lua_type(L, idx) != LUA_TUSERDATA) return 0;
  idx = lua_absindex(L, idx);
  lua_getfield(L, LUA_REGISTRYINDEX, NULL_KEY);
  int same = lua_rawequal(L, idx, -1);
  lua_settop(L, -2);
  return same;
}

void luash_push_array_marker(lua_State *L) {
  if (lua_getfield(L, LUA_REGISTRYINDEX, ARRAY_KEY) != LUA_TTABLE) {
    lua_settop(L, -2);
    lua_createtable(L, 0, 1);
    lua_pushliteral(L, "array");
    lua_setfield(L, -2, "__jsontype");
    lua_pushvalue(L, -1);
    lua_setfield(L, LUA_REGISTRYINDEX, ARRAY_KEY);
  }
}

int luash_is_array_marked(lua_State *L, int idx) {
  if (!lua_getmetatable(L, idx)) return 0;
  lua_getfield(L, LUA_REGISTRYINDEX, ARRAY_KEY);
  int same = lua_rawequal(L, -1, -2);
  lua_settop(L, -3);
  return same;
}
