namespace Ebpf.Specs;

internal static partial class MapDefinitionReader
{
    // As libbpf when it opens an object: a ring buffer's size is rounded up to a power-of-two number of pages, which
    // the kernel requires; zero stays zero (the kernel reports it), and a size that cannot be rounded is kept.
    internal static uint RingBufferSize(uint size)
    {
        uint page = (uint)Environment.SystemPageSize;
        if (size == 0 || (size % page == 0 && uint.IsPow2(size / page)))
        {
            return size;
        }

        for (ulong pages = 1; pages * page <= uint.MaxValue; pages <<= 1)
        {
            if (pages * page > size)
            {
                return (uint)(pages * page);
            }
        }

        return size;
    }
}
