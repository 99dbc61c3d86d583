namespace Ebpf.Kernel.Interop;

/// <summary>How code that holds an <see cref="IBpfSyscalls"/> reaches the other system calls.</summary>
internal static class SystemCallsAccess
{
    /// <summary>
    /// The <see cref="ISystemCalls"/> of <paramref name="syscalls"/>: the same object when it implements both (the Linux
    /// implementation, test fakes made with <c>Mock.As&lt;ISystemCalls&gt;()</c>), else the Linux calls.
    /// </summary>
    public static ISystemCalls System(this IBpfSyscalls syscalls) => syscalls as ISystemCalls ?? LinuxBpfSyscalls.Instance;
}
