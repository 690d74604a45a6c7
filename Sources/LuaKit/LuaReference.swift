import CLua
import CLuaShim

/// A Lua value held from Swift: anchored in the registry (so Lua does not
/// collect it) until the reference is released.
///
/// It keeps its interpreter alive; do not store one inside a value the same
/// interpreter owns (a host object or function), or neither is ever freed.
public final class LuaReference {
    let owner: LuaState
    let ref: Int32

    /// Anchors the value on top of the stack and pops it.
    init(owner: LuaState, popping stack: LuaStack) {
        self.owner = owner
        self.ref = luaL_ref(stack.L, luash_registryindex())
    }

    deinit {
        luaL_unref(owner.L, luash_registryindex(), ref)
    }

    /// Pushes the value.
    public func push(onto stack: LuaStack) {
        stack.ensure(1)
        lua_rawgeti(stack.L, luash_registryindex(), lua_Integer(ref))
    }
}
