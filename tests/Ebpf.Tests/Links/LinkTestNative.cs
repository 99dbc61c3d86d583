using System.Runtime.InteropServices;

namespace Ebpf.Tests.Links;

/// <summary>The libc calls the link tests use to fire hooks.</summary>
internal static partial class LinkTestNative
{
    /// <summary><c>getpid(2)</c>, uncached (<see cref="Environment.ProcessId"/> is cached).</summary>
    [LibraryImport("libc", EntryPoint = "getpid")]
    public static partial int GetPid();

    /// <summary><c>prctl(2)</c> with <paramref name="option"/> and zero arguments; -1 on failure.</summary>
    [LibraryImport("libc", EntryPoint = "prctl")]
    public static partial int Prctl(int option, nuint arg2 = 0, nuint arg3 = 0, nuint arg4 = 0, nuint arg5 = 0);
}
