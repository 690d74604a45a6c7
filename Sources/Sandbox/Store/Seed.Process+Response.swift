import OpenAPIRuntime
import ProcessesAPI

extension Seed.Process {
    /// The process as the API shows it; `run` is its latest run, if it has one.
    func response(excludingGenerated: Bool = false, latestRun: RunRecord? = nil) -> Components.Schemas.Process {
        var process = Components.Schemas.Process(
            id: id, name: name, dueDate: dueDate, autoClose: autoClose, businessDaysOfWeek: businessDaysOfWeek,
            businessStartDate: businessStartDate, certAutoApprove: certAutoApprove, relativeDates: relativeDates,
            created: created.map { .init(dateTime: $0) },
            children: Seed.Node.definitions(children, parent: nil, excludingGenerated: excludingGenerated))
        if let latestRun, let run = try? OpenAPIObjectContainer(unvalidatedValue: ["run": latestRun.summary]) {
            process.additionalProperties = run
        }
        return process
    }
}
