import Foundation
import Testing

/// The interactive prompt on a terminal: Tests/pty/prompt_test.py drives
/// procsh through a pseudo-terminal (pexpect): line editing, completion,
/// history and its file, Ctrl-C at the prompt, in a loop and in a slow API
/// call (inside pcall too), help, results printed with procsh.inspect, progress;
/// the results history, surviving locals, API-aware completion, colours and
/// NO_COLOR, and piped input left exactly as lua.c's.
@Suite("The prompt on a terminal", .enabled(if: !Programs.procshIsReference, "procsh's own prompt"))
struct PromptTests {
    static let cases = [
        "test_banner_expression_and_ctrl_d", "test_completion_of_fields_and_globals",
        "test_multiline_and_results_printed_with_inspect", "test_history_file_is_private_and_keeps_no_secret",
        "test_ctrl_c_clears_the_line_and_interrupts_code", "test_ctrl_c_cancels_a_slow_api_call", "test_ctrl_c_in_pcall_gives_the_calls_error", "test_help",
        "test_progress_of_a_long_create_on_a_terminal", "test_results_history_keeps_values_and_errors",
        "test_locals_survive_their_line", "test_completion_knows_the_api", "test_colours_on_a_terminal_and_not_with_no_color",
        "test_piped_input_is_lua_c_unchanged",
    ]

    @Test("pty case", arguments: cases)
    func prompt(name: String) async throws {
        let home = try makeTempDirectory()
        let r = try await run(
            "/usr/bin/env", [try Programs.python(), "Tests/pty/prompt_test.py", try Programs.procsh(), name],
            environment: baseEnvironment(home: home.path).merging(["PATH": ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin"]) { _, n in n },
            directory: Programs.packageRoot, timeout: 120)
        #expect(r.termination == .exit(0), "\(r)")
        #expect(r.stdout.contains("ok   \(name)"), "\(r)")
    }
}
