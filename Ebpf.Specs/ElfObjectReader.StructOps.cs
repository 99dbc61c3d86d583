using Ebpf.Btf;

namespace Ebpf.Specs;

internal sealed partial class ElfObjectReader
{
    /// <summary>
    /// Gives each struct_ops program the index of the member it implements as its expected attach type, as libbpf
    /// does when it opens an object; the loader resolves the kernel's struct and member from it.
    /// </summary>
    private void LinkStructOpsPrograms()
    {
        foreach (var map in _spec.Maps.Values)
        {
            if (map.StructOps is not { } ops || map.Value is not BtfComposite type)
            {
                continue;
            }

            foreach (var (member, programName) in ops.Programs)
            {
                int index = type.Members.ToList().FindIndex(m => m.Name == member);
                if (index >= 0 && _spec.Programs.TryGetValue(programName, out var program))
                {
                    _spec.Programs[programName] = program with { AttachType = (BpfAttachType)index };
                }
            }
        }
    }
}
