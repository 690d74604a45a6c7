import JSON
import ProcessesAPI

/// What `processes.create` takes, checked, and the createProcess body made of it.
///
/// A script describes a process as a run shows one: `children` holds its jobs,
/// as `jobruns.create` takes them (the builders work here), and its groups
/// (`{name=, parallel=, children=}`). createProcess wants Workiva's shape
/// (openapi.yaml's ProcessCreate): the tree under `root`, each child
/// `{type="job", job={arguments=...}}` or `{type="group", group={...}}`, and
/// users as plain ids (`assigneeUser`). The script's shape is checked first, so
/// that a mistake names the script's own path, then translated. A definition
/// with `root` is in the API's shape already and is checked as it is.
enum ProcessDefinition {
    /// The createProcess body for `given` (the script's value), or the first
    /// thing wrong with it.
    static func body(from given: JSONValue, at path: String) throws(ValidationError) -> JSONValue {
        guard given["root"] != nil else {
            let definition = try scriptProcess.conformed(given, at: path)
            return try translated(definition, at: path) ?? definition
        }
        if given["children"] != nil {
            throw ValidationError(
                code: .unknownField, field: JSONPath.member(path, "children"),
                message: "give children (jobs as jobruns.create takes them) or root (createProcess's own shape), not both")
        }
        return try RequestSchemas.process.conformed(given, at: path)
    }

    // MARK: - The script's shape, from openapi.yaml's

    /// ProcessCreate with `children` in place of `root`.
    static let scriptProcess = replacingTree(of: "ProcessCreate", member: "root")

    /// GroupCreate with the script's children.
    static let scriptGroup = replacingTree(of: "GroupCreate", member: "children")

    /// A child: a job (it has `action` or `arguments`) or else a group.
    static let scriptChild = Schema.choice(describe: "a job ({action=, arguments=}) or a group ({name=, parallel=})") { value in
        guard case .object = value else { return nil }
        return isJob(value) ? RequestSchemas.jobRun : scriptGroup
    }

    static func isJob(_ child: JSONValue) -> Bool { child["action"] != nil || child["arguments"] != nil }

    /// The component `name` with its `member` replaced by `children`, an array of ``scriptChild``.
    private static func replacingTree(of name: String, member: String) -> Schema {
        guard case .object(let object) = RequestSchemas.named(name) else { preconditionFailure("openapi.yaml: \(name) is not an object") }
        var members = object.members.filter { $0.name != member && $0.name != "children" }
        members.append(optional("children", .array(of: scriptChild)))
        return .object(ObjectSchema(members: members, allowsOthers: object.allowsOthers))
    }

    // MARK: - Translation

    /// The process in the API's shape; nil when it has no tree (nothing to
    /// translate). `definition` is checked already; what a process's job cannot
    /// hold (a group as a principal, a member its arguments lack, such as a
    /// sendTask's `document`) is refused here, named by the script's path.
    static func translated(_ definition: JSONValue, at path: String) throws(ValidationError) -> JSONValue? {
        guard case .object(var members) = definition, let children = members["children"]?.arrayValue else { return nil }
        members["children"] = nil
        // The script's top level is the root group: serial, named as the process.
        members["root"] = .object([
            "name": members["name"] ?? "", "parallel": false, "children": .array(try translated(children, at: path)),
        ])
        return .object(members)
    }

    /// A group's children (`path` is the group's), each as `{type=, job|group=}`.
    static func translated(_ children: [JSONValue], at path: String) throws(ValidationError) -> [JSONValue] {
        var out: [JSONValue] = []
        for (i, child) in children.enumerated() {
            let here = JSONPath.item(JSONPath.member(path, "children"), i + 1)  // as scripts count
            if isJob(child) {
                var job: [String: JSONValue] = [:]
                if let arguments = child["arguments"] { job["arguments"] = try translated(arguments: arguments, at: here) }
                if let trigger = child["triggerType"] { job["triggerType"] = trigger }
                out.append(["type": "job", "job": .object(job)])
            } else if case .object(var group) = child {
                if let inner = group["children"]?.arrayValue { group["children"] = .array(try translated(inner, at: here)) }
                out.append(["type": "group", "group": .object(group)])
            } else {
                out.append(child)
            }
        }
        return out
    }

    /// createJobRuns' arguments as a process job's: each principal
    /// (`assignee = {id=, type="user"}`) becomes its user's id (`assigneeUser`).
    /// `path` is the job's.
    static func translated(arguments: JSONValue, at path: String) throws(ValidationError) -> JSONValue {
        guard case .object(var members) = arguments, case .string(let action) = members["type"],
            case .object(let args)? = members["\(action)Args"]
        else { return arguments }
        let argsPath = JSONPath.member(JSONPath.member(path, "arguments"), "\(action)Args")
        let accepted = processArgumentNames[action] ?? []
        var out: [String: JSONValue] = [:]
        for (name, value) in args.sorted(by: { $0.key < $1.key }) {
            let field = JSONPath.member(argsPath, name)
            let isPrincipal = value["id"] != nil && value["type"] != nil
            let member = isPrincipal ? name + "User" : name
            guard accepted.contains(member) else {
                throw ValidationError(
                    code: .unknownField, field: field,
                    message: "a process's \(action) job cannot have '\(name)' (createProcess's \(action)Args has no such member)")
            }
            if isPrincipal, case .string(let type)? = value["type"], type != "user" {
                throw ValidationError(
                    code: .invalidValue, field: JSONPath.member(field, "type"),
                    message: "a process's job is assigned to users only (createProcess sends the user's id as \(member)), not to a \(type)")
            }
            out[member] = isPrincipal ? value["id"] : value
        }
        members["\(action)Args"] = .object(out)
        return .object(members)
    }

    /// The members of each action's arguments in a process job
    /// (JobArgumentsCreate), by action.
    static let processArgumentNames: [String: [String]] = {
        guard case .union(let discriminator, let cases) = APISchema.named("JobArgumentsCreate").resolved else {
            preconditionFailure("openapi.yaml: JobArgumentsCreate is not a union")
        }
        var names: [String: [String]] = [:]
        for action in cases {
            guard case .object(let object) = action.schema.resolved,
                let member = object.members.first(where: { $0.name != discriminator }),
                let args = member.schema.referenceName
            else { preconditionFailure("openapi.yaml: the arguments of \(action.value) are not {type, <action>Args}") }
            names[action.value] = APIObjectSchema.memberNames(of: APISchema.named(args))
        }
        return names
    }()
}
