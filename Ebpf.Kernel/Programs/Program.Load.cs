using Ebpf.Kernel.Interop;

namespace Ebpf.Kernel;

public sealed partial class Program
{
    /// <summary>
    /// Loads a program into the kernel (<c>BPF_PROG_LOAD</c>). Map references are patched with the descriptors of
    /// <see cref="ProgramLoadOptions.Maps"/>; kfunc calls, ksyms and the attach target of tracing and LSM programs
    /// are found in the kernel's BTF; function and line info go with the program's BTF when the spec has BTF.
    /// </summary>
    /// <param name="spec">The program; its byte order must be the machine's.</param>
    /// <param name="options">Map descriptors, kernel BTF, verifier log; <see cref="ProgramLoadOptions.Default"/> when null.</param>
    /// <param name="syscalls">The kernel interface; <see cref="LinuxBpfSyscalls.Instance"/> when null.</param>
    /// <returns>The loaded program.</returns>
    /// <remarks>A failure's message starts with the program's name and section (<c>program 'handle_exec'
    /// (tracepoint/syscalls/sys_enter_execve): BPF_PROG_LOAD failed: ...</c>); its type and error number are the kernel call's.</remarks>
    /// <exception cref="EbpfVerifierException">The verifier rejected the program. The message summarizes why (the
    /// failing instruction and its source line); <see cref="EbpfVerifierException.Log"/> has the whole log.</exception>
    /// <exception cref="EbpfPermissionException">The process may not load programs (CAP_BPF, CAP_SYS_ADMIN).</exception>
    /// <exception cref="EbpfException">The program has no type (its ELF section name is unrecognized: nothing is sent
    /// to the kernel), a map, kfunc, ksym or attach target does not resolve, or the load failed otherwise.</exception>
    /// <exception cref="ArgumentException">The spec's byte order is not the machine's.</exception>
    /// <exception cref="Ebpf.Asm.InstructionReferenceException">A jump or call names a label the instructions lack.</exception>
    public static Program Load(ProgramSpec spec, ProgramLoadOptions? options = null, IBpfSyscalls? syscalls = null)
    {
        ArgumentNullException.ThrowIfNull(spec);
        try
        {
            options ??= ProgramLoadOptions.Default;
            syscalls ??= LinuxBpfSyscalls.Instance;
            using var loader = new ProgramLoader(spec, options, options.Token?.Over(syscalls) ?? syscalls);
            return loader.Load();
        }
        catch (Exception e) when (FailureSubject.TryName(e, FailureSubject.Of(spec), out var named))
        {
            throw named;
        }
    }
}
