using System.Globalization;

namespace Ebpf.Links;

/// <summary>The rtnetlink message types the SDK sends (<c>RTM_*</c> of <c>linux/rtnetlink.h</c>) and their names for messages.</summary>
internal static class RouteMessageNames
{
    /// <summary><c>RTM_NEWLINK</c>: a device, as <c>RTM_GETLINK</c> answers.</summary>
    public const ushort NewLink = 16;

    /// <summary><c>RTM_GETLINK</c>.</summary>
    public const ushort GetLink = 18;

    /// <summary><c>RTM_SETLINK</c>.</summary>
    public const ushort SetLink = 19;

    /// <summary><c>RTM_NEWQDISC</c>.</summary>
    public const ushort NewQdisc = 36;

    /// <summary><c>RTM_DELQDISC</c>.</summary>
    public const ushort DeleteQdisc = 37;

    /// <summary><c>RTM_NEWTFILTER</c>: also the type of filters the kernel sends back.</summary>
    public const ushort NewFilter = 44;

    /// <summary><c>RTM_DELTFILTER</c>.</summary>
    public const ushort DeleteFilter = 45;

    /// <summary><c>RTM_GETTFILTER</c>.</summary>
    public const ushort GetFilter = 46;

    /// <summary>The C name of <paramref name="type"/>, e.g. <c>RTM_NEWTFILTER</c>.</summary>
    public static string Of(ushort type) => type switch
    {
        NewLink => "RTM_NEWLINK",
        GetLink => "RTM_GETLINK",
        SetLink => "RTM_SETLINK",
        NewQdisc => "RTM_NEWQDISC",
        DeleteQdisc => "RTM_DELQDISC",
        NewFilter => "RTM_NEWTFILTER",
        DeleteFilter => "RTM_DELTFILTER",
        GetFilter => "RTM_GETTFILTER",
        _ => "RTM_" + type.ToString(CultureInfo.InvariantCulture),
    };
}
