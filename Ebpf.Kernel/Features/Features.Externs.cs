using System.Runtime.InteropServices;
using Ebpf.Asm;

namespace Ebpf.Kernel;

/// <summary>The probes behind libbpf's feature <c>.kconfig</c> externs, of <see cref="Features"/>.</summary>
public sealed partial class Features
{
    /// <summary>
    /// Checks that programs can read a BPF cookie (<c>bpf_get_attach_cookie</c> from a tracepoint program), as
    /// libbpf probes for <c>LINUX_HAS_BPF_COOKIE</c>.
    /// </summary>
    /// <exception cref="EbpfNotSupportedException">The kernel lacks it (before 5.15).</exception>
    public void HaveBpfCookie()
    {
        try
        {
            HaveHelper(BpfProgramType.Tracepoint, Helper.GetAttachCookie);
        }
        catch (EbpfNotSupportedException e)
        {
            throw new EbpfNotSupportedException("BPF cookie (bpf_get_attach_cookie)", "5.15", e.Errno, e);
        }
    }

    /// <summary>
    /// Checks that syscalls enter the kernel through arch-specific wrappers (<c>__x64_sys_bpf</c> on x86-64), as
    /// libbpf probes for <c>LINUX_HAS_SYSCALL_WRAPPER</c>: the wrapper of <c>bpf(2)</c> is a kernel symbol.
    /// </summary>
    /// <exception cref="EbpfNotSupportedException">The kernel has no such wrapper (before 4.17, or an architecture without them).</exception>
    public void HaveSyscallWrapper() =>
        Check(new ProbeKey("syscall-wrapper", 0), static state => state.ProbeSyscallWrapper(), this);

    /// <summary>The arch-specific prefix of syscall wrappers on this machine (<c>__x64_</c>, <c>__arm64_</c>, ...), as libbpf names them.</summary>
    internal static string SyscallWrapperPrefix => RuntimeInformation.OSArchitecture switch
    {
        Architecture.X64 => "__x64_",
        Architecture.X86 => "__ia32_",
        Architecture.Arm64 => "__arm64_",
        Architecture.S390x => "__s390x_",
        Architecture.Arm => "__arm_",
        Architecture.RiscV64 => "__riscv_",
        Architecture.Ppc64le => "__powerpc_",
        Architecture.LoongArch64 => "__loongarch_",
        _ => "__se_",
    };

    /// <summary>Where <see cref="HaveSyscallWrapper"/> looks for the wrapper (tests give their own).</summary>
    internal string KernelSymbolsPath { get; init; } = KernelSymbolAddresses.DefaultPath;

    private EbpfNotSupportedException? ProbeSyscallWrapper()
    {
        string wrapper = SyscallWrapperPrefix + "sys_bpf";
        return KernelSymbolAddresses.Find([wrapper], KernelSymbolsPath).ContainsKey(wrapper)
            ? null
            : new EbpfNotSupportedException($"syscall wrappers ({wrapper} is not in {KernelSymbolsPath})", "4.17", Errno.ENOENT);
    }
}
