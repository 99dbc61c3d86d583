using Ebpf.Kernel;
using Ebpf.Links;

namespace Ebpf.Tests.Hosting;

/// <summary>A fake link that records its attach and close in a shared journal; <see cref="Detached"/> makes Info fail.</summary>
internal sealed class RecordingLink : ILink
{
    private readonly List<string> _journal;

    public RecordingLink(string name, List<string> journal)
    {
        Name = name;
        _journal = journal;
        journal.Add("attach " + name);
    }

    public string Name { get; }

    public bool Detached { get; set; }

    public void Update(BpfFileDescriptor newProgram) => throw new NotSupportedException();

    public void Pin(string path) => throw new NotSupportedException();

    public void Unpin() => throw new NotSupportedException();

    public LinkInfo Info() => Detached ? throw new EbpfException("link " + Name + " is gone") : new LinkInfo(1, BpfLinkType.RawTracepoint, 7);

    public void Detach() => Detached = true;

    public void Dispose() => _journal.Add("close " + Name);

    public override string ToString() => "link " + Name;
}
