using System.Runtime.InteropServices;

namespace Ebpf.Tests.Links;

/// <summary>The libc calls the link tests use to fire hooks.</summary>
internal static partial class LinkTestNative
{
    /// <summary><c>getpid(2)</c>, uncached (<see cref="Environment.ProcessId"/> is cached).</summary>
    [LibraryImport("libc", EntryPoint = "getpid")]
    public static partial int GetPid();
}
