import CLua
import CLuaShim

/// Swift objects in Lua: a userdata holds a strong reference, released when
/// Lua collects the userdata (its metatable's `__gc`).
extension LuaStack {
    /// Pushes the metatable named `name` for host objects, creating it (with the
    /// releasing `__gc` and `__name`) the first time. Returns true if it was created,
    /// so the caller can add its methods.
    @discardableResult
    public func pushHostMetatable(named name: String) -> Bool {
        ensure(3)
        return luash_new_host_metatable(L, name) != 0
    }

    /// Pushes a userdata holding `object`, with the host metatable `metatable`.
    public func push(object: AnyObject, metatable: String) {
        ensure(4)
        luash_push_host_object(L, Unmanaged.passRetained(object).toOpaque())
        pushHostMetatable(named: metatable)
        lua_setmetatable(L, -2)
    }

    /// The object in the userdata at `index` if it carries the metatable
    /// `metatable` and holds a `T`.
    public func object<T: AnyObject>(at index: Int32, metatable: String, as type: T.Type = T.self) -> T? {
        ensure(2)
        guard let raw = luash_to_host_object(L, index, metatable) else { return nil }
        return Unmanaged<AnyObject>.fromOpaque(raw).takeUnretainedValue() as? T
    }
}
