using System.Collections;

namespace Ebpf.Btf;

/// <summary>The CO-RE targets of a running kernel: vmlinux, then every module's split BTF, each read only when a
/// relocation first needs it (modules are looked at only for types vmlinux lacks).</summary>
internal sealed class CoreKernelTargets(KernelBtf kernel) : IReadOnlyList<BtfSpec>
{
    private readonly IReadOnlyList<string> _modules = kernel.ModuleNames;

    public int Count => 1 + _modules.Count;

    public BtfSpec this[int index] => index == 0 ? kernel.Vmlinux : kernel.GetModule(_modules[index - 1]);

    public IEnumerator<BtfSpec> GetEnumerator()
    {
        for (int i = 0; i < Count; i++)
        {
            yield return this[i];
        }
    }

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();
}
