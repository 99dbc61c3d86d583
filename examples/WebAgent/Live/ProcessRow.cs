namespace WebAgent.Live;

/// <summary>One row of the live page's event table.</summary>
/// <param name="Time">When the agent read the event.</param>
/// <param name="Kind"><c>exec</c> or <c>exit</c>.</param>
/// <param name="Pid">The process id.</param>
/// <param name="Ppid">The parent's process id.</param>
/// <param name="Uid">The user id.</param>
/// <param name="Comm">The command name (the kernel's 15 characters).</param>
/// <param name="Detail">The file executed, or the exit status and lifetime.</param>
internal sealed record ProcessRow(DateTimeOffset Time, string Kind, uint Pid, uint Ppid, uint Uid, string Comm, string Detail);
