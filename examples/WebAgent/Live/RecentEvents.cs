using Microsoft.Extensions.Options;
using WebAgent.Options;

namespace WebAgent.Live;

/// <summary>The last <see cref="AgentOptions.EventRows"/> process events, newest first, shared by the handler and the page.</summary>
internal sealed class RecentEvents(IOptions<AgentOptions> options)
{
    private readonly Lock _gate = new();
    private readonly LinkedList<ProcessRow> _rows = new();
    private readonly int _capacity = options.Value.EventRows;
    private long _total;

    public void Add(ProcessRow row)
    {
        lock (_gate)
        {
            _rows.AddFirst(row);
            if (_rows.Count > _capacity)
            {
                _rows.RemoveLast();
            }

            _total++;
        }
    }

    /// <summary>The rows now, newest first, and how many events were added since start.</summary>
    public (IReadOnlyList<ProcessRow> Rows, long Total) Snapshot()
    {
        lock (_gate)
        {
            return ([.. _rows], _total);
        }
    }
}
