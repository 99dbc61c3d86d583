using System.Collections;
using Ebpf.Btf;

namespace Ebpf.Kernel;

/// <summary>
/// vmlinux followed by every module's BTF, as a list whose module entries are read only when indexed:
/// CO-RE looks at modules only when vmlinux has no candidate, so most loads never open one.
/// </summary>
internal sealed class KernelBtfTargets : IReadOnlyList<BtfSpec>
{
    private readonly KernelBtf _kernel;
    private readonly IReadOnlyList<string> _modules;

    public KernelBtfTargets(KernelBtf kernel)
    {
        _kernel = kernel;
        _modules = kernel.ModuleNames;
    }

    public int Count => 1 + _modules.Count;

    public BtfSpec this[int index] => index == 0 ? _kernel.Vmlinux : _kernel.GetModule(_modules[index - 1]);

    public IEnumerator<BtfSpec> GetEnumerator()
    {
        for (int i = 0; i < Count; i++)
        {
            yield return this[i];
        }
    }

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();
}
