using System.Collections;

namespace Ebpf.Links;

/// <summary>
/// Links attached together (<see cref="SectionAttachExtensions.AttachAll"/>), in attach order. Disposing detaches
/// them all, newest first.
/// </summary>
public sealed class LinkSet : IDisposable, IReadOnlyList<Link>
{
    private readonly List<Link> _links;

    internal LinkSet(List<Link> links)
    {
        _links = links;
    }

    /// <inheritdoc />
    public int Count => _links.Count;

    /// <inheritdoc />
    public Link this[int index] => _links[index];

    /// <inheritdoc />
    public IEnumerator<Link> GetEnumerator() => _links.GetEnumerator();

    /// <inheritdoc />
    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();

    /// <summary>Disposes every link, newest first.</summary>
    public void Dispose() => DisposeAll(_links);

    internal static void DisposeAll(List<Link> links)
    {
        for (int i = links.Count - 1; i >= 0; i--)
        {
            links[i].Dispose();
        }

        links.Clear();
    }
}
