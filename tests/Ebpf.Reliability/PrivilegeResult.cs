namespace Ebpf.Reliability;

/// <summary>The outcome of <see cref="PrivilegeRun"/>: what the unprivileged child printed and what the kernel held around it.</summary>
/// <param name="Command">The command line the child ran under.</param>
/// <param name="ExitCode">The child's exit code: 0 when every operation was refused with <c>EbpfPermissionException</c> and nothing leaked.</param>
/// <param name="Output">The child's standard output and error.</param>
/// <param name="Before">Kernel counts (seen by the privileged parent) before the child ran.</param>
/// <param name="After">Kernel counts after the child exited.</param>
public sealed record PrivilegeResult(string Command, int ExitCode, string Output, KernelObjectCounts Before, KernelObjectCounts After)
{
    /// <summary>Whether the child passed and left no program, map or link behind.</summary>
    public bool Passed => ExitCode == 0 && After.Programs <= Before.Programs && After.Maps <= Before.Maps && After.Links <= Before.Links;

    /// <inheritdoc />
    public override string ToString() =>
        $"privilege: child exit {ExitCode}, progs before {Before.Programs} after {After.Programs}, maps before {Before.Maps} after {After.Maps}, links before {Before.Links} after {After.Links}";
}
