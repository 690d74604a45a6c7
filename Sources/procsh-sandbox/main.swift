// procsh-sandbox: `procsh sandbox ...`, run by procsh (see Sources/procsh/Subcommand.swift).
SandboxCommand.main()
