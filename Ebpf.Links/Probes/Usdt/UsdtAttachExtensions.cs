using Ebpf.Kernel;

namespace Ebpf.Links;

/// <summary>
/// Attaches a loaded kprobe-type <see cref="Program"/> to USDT probes (<c>sys/sdt.h</c> static tracepoints of user
/// programs), as libbpf's <c>bpf_program__attach_usdt</c>: <c>program.AttachUsdt("/usr/bin/python3.11", "python", "function__entry")</c>.
/// The program reads the probe's arguments with libbpf's <c>bpf/usdt.bpf.h</c> (<c>bpf_usdt_arg</c>, <c>BPF_USDT</c>).
/// </summary>
public static class UsdtAttachExtensions
{
    /// <summary>
    /// Attaches <paramref name="program"/> to every site of USDT probe <paramref name="provider"/>:<paramref name="name"/>
    /// of <paramref name="binaryPath"/>: a uprobe per site (with the probe's semaphore raised while attached), and the
    /// site's argument specification written into the program's usdt.bpf.h maps so <c>bpf_usdt_arg</c> can read it.
    /// </summary>
    /// <param name="program">A kprobe program (<c>usdt</c> section) that includes <c>bpf/usdt.bpf.h</c>.</param>
    /// <param name="binaryPath">The executable or shared library with the probe (a bare name is searched as for <c>uprobe/</c> sections).</param>
    /// <param name="provider">The probe's provider, e.g. <c>python</c>.</param>
    /// <param name="name">The probe's name, e.g. <c>function__entry</c>.</param>
    /// <param name="options">Process filter and USDT cookie; null for every process and cookie 0.</param>
    /// <returns>The link over the uprobes; disposing it detaches them and frees the spec ids.</returns>
    /// <exception cref="ArgumentException">The binary has no such probe, or a site's argument form is unknown.</exception>
    /// <exception cref="PlatformNotSupportedException">The binary is not x86-64.</exception>
    /// <exception cref="EbpfNotSupportedException">
    /// The kernel has no uprobes (<see cref="Features.HaveUsdt"/>), a probe has a semaphore and the kernel no reference
    /// counters (4.20), or a shared object is probed in every process without BPF cookies (5.15).
    /// </exception>
    /// <exception cref="InvalidOperationException">All spec ids are in use, or a map named as usdt.bpf.h's has another layout.</exception>
    public static UsdtLink AttachUsdt(this Program program, string binaryPath, string provider, string name, UsdtOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(program);
        ArgumentException.ThrowIfNullOrEmpty(binaryPath);
        return Usdt.Attach(program, SectionTargets.BinaryPath(binaryPath), provider, name, options);
    }
}
