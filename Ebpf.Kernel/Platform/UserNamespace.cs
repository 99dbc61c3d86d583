namespace Ebpf.Kernel;

/// <summary>The user namespace the process runs in.</summary>
internal static class UserNamespace
{
    /// <summary>The link target of <c>/proc/self/ns/user</c> in the initial user namespace (<c>PROC_USER_INIT_INO</c>, fixed by Linux).</summary>
    private const string Initial = "user:[4026531837]";

    /// <summary>
    /// Whether the process runs in the initial user namespace, where its capabilities are the ones bpf(2) checks and
    /// BPF tokens are refused. True when <c>/proc/self/ns/user</c> cannot be read (no procfs: assume the host).
    /// </summary>
    public static bool IsInitial(string path = "/proc/self/ns/user")
    {
        try
        {
            return new FileInfo(path).LinkTarget is not { } target || target == Initial;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return true;
        }
    }
}
