/// A progress line on standard error (a terminal): `creating job runs: 300/1000`,
/// rewritten in place, erased when done.
struct Progress {
    let total: Int

    func show(done: Int) {
        StandardError.write("\r\u{1B}[Kcreating job runs: \(done)/\(total)")
    }

    func finish() {
        StandardError.write("\r\u{1B}[K")
    }
}
