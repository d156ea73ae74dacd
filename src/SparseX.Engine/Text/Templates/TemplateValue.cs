using System.Globalization;
using System.Text;

namespace SparseX.Engine.Text.Templates;

/// <summary>A slice key (<c>[start:stop:step]</c>) after evaluation.</summary>
internal sealed record SliceValue(long? Start, long? Stop, long? Step);

/// <summary>
/// Python semantics over template values. Values are: null (None), <see cref="bool"/>, <see cref="long"/> (int),
/// <see cref="double"/> (float), <see cref="string"/>, <see cref="List{T}"/> of object (list), object[] (tuple),
/// <see cref="OrderedDictionary{TKey,TValue}"/> (dict, insertion-ordered), <see cref="NamespaceValue"/>,
/// <see cref="LoopInfo"/>, <see cref="TemplateCallable"/> and <see cref="UndefinedValue"/>.
/// </summary>
internal static class TemplateValue
{
    /// <summary>A runtime error (Python exception) without a line; the evaluator adds the line.</summary>
    public static TemplateException Error(string message) => new(TemplateErrorKind.Runtime, message);

    /// <summary>A new empty dict with Python key equality.</summary>
    public static OrderedDictionary<object, object?> NewDict() => new(PyKeyComparer.Instance);

    /// <summary>Python's <c>type(v).__name__</c>.</summary>
    public static string TypeName(object? v) => v switch
    {
        null => "NoneType",
        bool => "bool",
        long => "int",
        double => "float",
        string => "str",
        List<object?> => "list",
        object?[] => "tuple",
        OrderedDictionary<object, object?> => "dict",
        NamespaceValue => "Namespace",
        LoopInfo => "LoopContext",
        UndefinedValue => "Undefined",
        SliceValue => "slice",
        BoundMethod => "builtin_function_or_method",
        TemplateCallable => "function",
        _ => v.GetType().Name,
    };

    /// <summary>Jinja's <c>object_type_repr</c>: <c>None</c> or <c>'&lt;type&gt; object'</c>.</summary>
    public static string ObjectTypeRepr(object? v) => v is null ? "None" : $"{TypeName(v)} object";

    /// <summary>Python truthiness.</summary>
    public static bool IsTrue(object? v) => v switch
    {
        null => false,
        bool b => b,
        long l => l != 0,
        double d => d != 0,
        string s => s.Length > 0,
        List<object?> l => l.Count > 0,
        object?[] t => t.Length > 0,
        OrderedDictionary<object, object?> d => d.Count > 0,
        UndefinedValue => false,
        _ => true,
    };

    /// <summary>Whether <paramref name="v"/> is a Python number (bool counts, as in Python).</summary>
    public static bool IsNumber(object? v) => v is bool or long or double;

    /// <summary>Whether <paramref name="v"/> is a Python int (including bool).</summary>
    public static bool IsInt(object? v) => v is bool or long;

    /// <summary>The int value of a bool or long.</summary>
    public static long AsLong(object? v) => v switch
    {
        bool b => b ? 1 : 0,
        long l => l,
        _ => throw Error($"TypeError: an integer is required, not '{TypeName(v)}'"),
    };

    /// <summary>The float value of a number.</summary>
    public static double AsDouble(object? v) => v switch
    {
        bool b => b ? 1 : 0,
        long l => l,
        double d => d,
        _ => throw Error($"TypeError: a number is required, not '{TypeName(v)}'"),
    };

    /// <summary>Throws the value's own error when it is undefined.</summary>
    public static object? Defined(object? v) => v is UndefinedValue u ? throw u.Error() : v;

    /// <summary>Python's <c>str(v)</c> as Jinja prints it (undefined prints as empty).</summary>
    public static string ToStr(object? v) => v switch
    {
        string s => s,
        UndefinedValue => "",
        _ => Repr(v),
    };

    /// <summary>Python's <c>repr(v)</c>.</summary>
    public static string Repr(object? v)
    {
        var sb = new StringBuilder();
        AppendRepr(sb, v);
        return sb.ToString();
    }

    private static void AppendRepr(StringBuilder sb, object? v)
    {
        switch (v)
        {
            case null: sb.Append("None"); break;
            case bool b: sb.Append(b ? "True" : "False"); break;
            case long l: sb.Append(l.ToString(CultureInfo.InvariantCulture)); break;
            case double d: sb.Append(FormatFloat(d)); break;
            case string s: sb.Append(PyText.Repr(s)); break;
            case List<object?> list:
                sb.Append('[');
                AppendItems(sb, list);
                sb.Append(']');
                break;
            case object?[] tuple:
                sb.Append('(');
                AppendItems(sb, tuple);
                sb.Append(tuple.Length == 1 ? ",)" : ")");
                break;
            case OrderedDictionary<object, object?> dict:
                sb.Append('{');
                bool first = true;
                foreach (var (k, val) in dict)
                {
                    sb.Append(first ? "" : ", ");
                    first = false;
                    AppendRepr(sb, k);
                    sb.Append(": ");
                    AppendRepr(sb, val);
                }

                sb.Append('}');
                break;
            case NamespaceValue ns:
                sb.Append("<Namespace {");
                bool firstAttr = true;
                foreach (var (k, val) in ns.Attributes)
                {
                    sb.Append(firstAttr ? "" : ", ").Append(PyText.Repr(k)).Append(": ");
                    firstAttr = false;
                    AppendRepr(sb, val);
                }

                sb.Append("}>");
                break;
            case UndefinedValue: sb.Append("Undefined"); break;
            case TemplateCallable c: sb.Append("<function ").Append(c.Name).Append('>'); break;
            case LoopInfo loop: sb.Append("<LoopContext ").Append(loop.Index0 + 1).Append('>'); break;
            default: sb.Append(v); break;
        }
    }

    private static void AppendItems(StringBuilder sb, IEnumerable<object?> items)
    {
        bool first = true;
        foreach (var item in items)
        {
            sb.Append(first ? "" : ", ");
            first = false;
            AppendRepr(sb, item);
        }
    }

    /// <summary>Python's <c>repr(float)</c>: shortest round-trip digits, exponent form outside 1e-4 ≤ |x| &lt; 1e16.</summary>
    public static string FormatFloat(double d)
    {
        if (double.IsNaN(d))
        {
            return "nan";
        }

        if (double.IsInfinity(d))
        {
            return d > 0 ? "inf" : "-inf";
        }

        if (d == 0)
        {
            return double.IsNegative(d) ? "-0.0" : "0.0";
        }

        string r = Math.Abs(d).ToString("R", CultureInfo.InvariantCulture);
        int exp = 0;
        int e = r.IndexOfAny(['E', 'e']);
        if (e >= 0)
        {
            exp = int.Parse(r[(e + 1)..], NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture);
            r = r[..e];
        }

        int dot = r.IndexOf('.');
        string digits = dot >= 0 ? r.Remove(dot, 1) : r;
        int decpt = (dot >= 0 ? dot : r.Length) + exp;
        int lead = 0;
        while (lead < digits.Length - 1 && digits[lead] == '0')
        {
            lead++;
        }

        digits = digits[lead..];
        decpt -= lead;
        digits = digits.TrimEnd('0');
        if (digits.Length == 0)
        {
            digits = "0";
        }

        var sb = new StringBuilder();
        if (d < 0)
        {
            sb.Append('-');
        }

        if (decpt <= -4 || decpt > 16)
        {
            sb.Append(digits[0]);
            if (digits.Length > 1)
            {
                sb.Append('.').Append(digits, 1, digits.Length - 1);
            }

            int x = decpt - 1;
            sb.Append('e').Append(x < 0 ? '-' : '+').Append(Math.Abs(x).ToString("00", CultureInfo.InvariantCulture));
        }
        else if (decpt <= 0)
        {
            sb.Append("0.").Append('0', -decpt).Append(digits);
        }
        else if (decpt >= digits.Length)
        {
            sb.Append(digits).Append('0', decpt - digits.Length).Append(".0");
        }
        else
        {
            sb.Append(digits, 0, decpt).Append('.').Append(digits, decpt, digits.Length - decpt);
        }

        return sb.ToString();
    }

    /// <summary>Python <c>a == b</c>.</summary>
    public static bool PyEquals(object? a, object? b)
    {
        if (ReferenceEquals(a, b))
        {
            return true;
        }

        if (a is null || b is null)
        {
            return false;
        }

        if (IsNumber(a) && IsNumber(b))
        {
            return IsInt(a) && IsInt(b) ? AsLong(a) == AsLong(b) : AsDouble(a) == AsDouble(b);
        }

        switch (a)
        {
            case string sa: return b is string sb && string.Equals(sa, sb, StringComparison.Ordinal);
            case List<object?> la: return b is List<object?> lb && SequenceEquals(la, lb);
            case object?[] ta: return b is object?[] tb && SequenceEquals(ta, tb);
            case OrderedDictionary<object, object?> da:
                if (b is not OrderedDictionary<object, object?> db || da.Count != db.Count)
                {
                    return false;
                }

                foreach (var (k, v) in da)
                {
                    if (!db.TryGetValue(k, out var other) || !PyEquals(v, other))
                    {
                        return false;
                    }
                }

                return true;
            case UndefinedValue: return b is UndefinedValue;
            default: return a.Equals(b);
        }
    }

    private static bool SequenceEquals(IList<object?> a, IList<object?> b)
    {
        if (a.Count != b.Count)
        {
            return false;
        }

        for (int i = 0; i < a.Count; i++)
        {
            if (!PyEquals(a[i], b[i]))
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>Python ordering (<c>&lt;</c> and friends) as a sign; throws TypeError for unorderable pairs.</summary>
    public static int Compare(object? a, object? b, string op = "<")
    {
        Defined(a);
        Defined(b);
        if (IsNumber(a) && IsNumber(b))
        {
            return IsInt(a) && IsInt(b) ? AsLong(a).CompareTo(AsLong(b)) : AsDouble(a).CompareTo(AsDouble(b));
        }

        if (a is string sa && b is string sb)
        {
            return Math.Sign(string.CompareOrdinal(sa, sb));
        }

        if ((a is List<object?> && b is List<object?>) || (a is object?[] && b is object?[]))
        {
            var la = (IList<object?>)a;
            var lb = (IList<object?>)b;
            for (int i = 0; i < Math.Min(la.Count, lb.Count); i++)
            {
                if (!PyEquals(la[i], lb[i]))
                {
                    return Compare(la[i], lb[i], op);
                }
            }

            return la.Count.CompareTo(lb.Count);
        }

        throw Error($"TypeError: '{op}' not supported between instances of '{TypeName(a)}' and '{TypeName(b)}'");
    }

    /// <summary>Python iteration: list/tuple items, dict keys, str code points; undefined iterates as empty.</summary>
    public static IReadOnlyList<object?> Iterate(object? v) => v switch
    {
        List<object?> l => l,
        object?[] t => t,
        OrderedDictionary<object, object?> d => d.Keys.ToList<object?>(),
        string s => PyText.CodePoints(s).ToList<object?>(),
        UndefinedValue => [],
        _ => throw Error($"TypeError: '{TypeName(v)}' object is not iterable"),
    };

    /// <summary>Python's <c>len(v)</c>; undefined has length 0.</summary>
    public static long Length(object? v) => v switch
    {
        string s => PyText.Length(s),
        List<object?> l => l.Count,
        object?[] t => t.Length,
        OrderedDictionary<object, object?> d => d.Count,
        UndefinedValue => 0,
        _ => throw Error($"TypeError: object of type '{TypeName(v)}' has no len()"),
    };

    /// <summary>Python <c>item in container</c>.</summary>
    public static bool Contains(object? container, object? item)
    {
        switch (container)
        {
            case string s:
                return item is string sub
                    ? s.Contains(sub, StringComparison.Ordinal)
                    : throw Error($"TypeError: 'in <string>' requires string as left operand, not {TypeName(item)}");
            case List<object?> or object?[]:
                foreach (var x in (IList<object?>)container)
                {
                    if (PyEquals(x, item))
                    {
                        return true;
                    }
                }

                return false;
            case OrderedDictionary<object, object?> d:
                return item is not null && d.ContainsKey(item);
            case UndefinedValue:
                return false;
            default:
                throw Error($"TypeError: argument of type '{TypeName(container)}' is not iterable");
        }
    }

    /// <summary>Jinja's <c>environment.getattr</c>: Python attribute first (methods), then item lookup.</summary>
    public static object? GetAttr(object? obj, string name)
    {
        switch (obj)
        {
            case UndefinedValue u:
                throw u.Error();
            case OrderedDictionary<object, object?> d:
                if (BuiltinMethods.Has(d, name))
                {
                    return new BoundMethod(d, name);
                }

                return d.TryGetValue(name, out var value) ? value : UndefinedValue.ForMember(obj, name);
            case string or List<object?> or object?[]:
                return BuiltinMethods.Has(obj, name) ? new BoundMethod(obj, name) : UndefinedValue.ForMember(obj, name);
            case NamespaceValue ns:
                return ns.Attributes.TryGetValue(name, out var attr) ? attr : UndefinedValue.ForMember(obj, name);
            case LoopInfo loop:
                return loop.GetAttribute(name);
            default:
                return UndefinedValue.ForMember(obj, name);
        }
    }

    /// <summary>Jinja's <c>environment.getitem</c>: item lookup first, then attribute for string keys.</summary>
    public static object? GetItem(object? obj, object? key)
    {
        switch (obj)
        {
            case UndefinedValue u:
                throw u.Error();
            case OrderedDictionary<object, object?> d when key is not null && IsHashable(key):
                if (d.TryGetValue(key, out var value))
                {
                    return value;
                }

                break;
            case List<object?> or object?[] when key is SliceValue slice:
                var items = (IList<object?>)obj;
                var selected = PySlice.Positions(items.Count, slice.Start, slice.Stop, slice.Step).Select(i => items[i]).ToList();
                return obj is object?[] ? selected.ToArray() : selected;
            case List<object?> or object?[] when IsInt(key):
                var list = (IList<object?>)obj;
                long i = AsLong(key);
                long j = i < 0 ? i + list.Count : i;
                if (j >= 0 && j < list.Count)
                {
                    return list[(int)j];
                }

                break;
            case string s when key is SliceValue slice:
                return PyText.Slice(s, slice.Start, slice.Stop, slice.Step);
            case string s when IsInt(key):
                if (PyText.Index(s, AsLong(key)) is string ch)
                {
                    return ch;
                }

                break;
        }

        return key is string name ? GetAttr(obj, name) : UndefinedValue.ForMember(obj, key);
    }

    /// <summary>Whether <paramref name="v"/> can be a dict key.</summary>
    public static bool IsHashable(object? v) => v switch
    {
        List<object?> or OrderedDictionary<object, object?> or NamespaceValue => false,
        object?[] t => t.All(IsHashable),
        _ => true,
    };

    /// <summary>Python <c>a + b</c>.</summary>
    public static object? Add(object? a, object? b)
    {
        Defined(a);
        Defined(b);
        if (IsInt(a) && IsInt(b))
        {
            return Checked(() => checked(AsLong(a) + AsLong(b)));
        }

        if (IsNumber(a) && IsNumber(b))
        {
            return AsDouble(a) + AsDouble(b);
        }

        switch (a)
        {
            case string sa when b is string sb: return sa + sb;
            case string: throw Error($"TypeError: can only concatenate str (not \"{TypeName(b)}\") to str");
            case List<object?> la when b is List<object?> lb: return la.Concat(lb).ToList();
            case List<object?>: throw Error($"TypeError: can only concatenate list (not \"{TypeName(b)}\") to list");
            case object?[] ta when b is object?[] tb: return ta.Concat(tb).ToArray();
        }

        throw BinaryTypeError("+", a, b);
    }

    /// <summary>Python <c>a - b</c>.</summary>
    public static object? Subtract(object? a, object? b)
    {
        Defined(a);
        Defined(b);
        if (IsInt(a) && IsInt(b))
        {
            return Checked(() => checked(AsLong(a) - AsLong(b)));
        }

        return IsNumber(a) && IsNumber(b) ? AsDouble(a) - AsDouble(b) : throw BinaryTypeError("-", a, b);
    }

    /// <summary>Python <c>a * b</c>.</summary>
    public static object? Multiply(object? a, object? b)
    {
        Defined(a);
        Defined(b);
        if (IsInt(a) && IsInt(b))
        {
            return Checked(() => checked(AsLong(a) * AsLong(b)));
        }

        if (IsNumber(a) && IsNumber(b))
        {
            return AsDouble(a) * AsDouble(b);
        }

        if (IsInt(b) && a is string or List<object?>)
        {
            return Repeat(a!, AsLong(b));
        }

        if (IsInt(a) && b is string or List<object?>)
        {
            return Repeat(b!, AsLong(a));
        }

        throw BinaryTypeError("*", a, b);
    }

    private static object Repeat(object seq, long times)
    {
        if (times > 1_000_000)
        {
            throw Error("MemoryError: repetition count too large");
        }

        if (seq is string s)
        {
            return times <= 0 ? "" : new StringBuilder().Insert(0, s, (int)times).ToString();
        }

        var list = (List<object?>)seq;
        var result = new List<object?>();
        for (long i = 0; i < times; i++)
        {
            result.AddRange(list);
        }

        return result;
    }

    /// <summary>Python <c>a / b</c> (true division).</summary>
    public static object? Divide(object? a, object? b)
    {
        Defined(a);
        Defined(b);
        if (!IsNumber(a) || !IsNumber(b))
        {
            throw BinaryTypeError("/", a, b);
        }

        double d = AsDouble(b);
        return d == 0 ? throw Error("ZeroDivisionError: division by zero") : AsDouble(a) / d;
    }

    /// <summary>Python <c>a // b</c>.</summary>
    public static object? FloorDivide(object? a, object? b)
    {
        Defined(a);
        Defined(b);
        if (IsInt(a) && IsInt(b))
        {
            long x = AsLong(a), y = AsLong(b);
            if (y == 0)
            {
                throw Error("ZeroDivisionError: integer division or modulo by zero");
            }

            long q = x / y;
            return (x % y != 0) && ((x < 0) != (y < 0)) ? q - 1 : q;
        }

        if (!IsNumber(a) || !IsNumber(b))
        {
            throw BinaryTypeError("//", a, b);
        }

        double d = AsDouble(b);
        return d == 0 ? throw Error("ZeroDivisionError: float floor division by zero") : Math.Floor(AsDouble(a) / d);
    }

    /// <summary>Python <c>a % b</c> (numbers, or printf-style formatting for a str).</summary>
    public static object? Modulo(object? a, object? b)
    {
        Defined(a);
        Defined(b);
        if (a is string format)
        {
            return PercentFormat.Format(format, b);
        }

        if (IsInt(a) && IsInt(b))
        {
            long x = AsLong(a), y = AsLong(b);
            if (y == 0)
            {
                throw Error("ZeroDivisionError: integer division or modulo by zero");
            }

            long r = x % y;
            return r != 0 && ((r < 0) != (y < 0)) ? r + y : r;
        }

        if (!IsNumber(a) || !IsNumber(b))
        {
            throw BinaryTypeError("%", a, b);
        }

        double fx = AsDouble(a), fy = AsDouble(b);
        if (fy == 0)
        {
            throw Error("ZeroDivisionError: float modulo");
        }

        double m = fx % fy;
        return m != 0 && ((m < 0) != (fy < 0)) ? m + fy : m;
    }

    /// <summary>Python <c>a ** b</c>.</summary>
    public static object? Power(object? a, object? b)
    {
        Defined(a);
        Defined(b);
        if (IsInt(a) && IsInt(b) && AsLong(b) >= 0)
        {
            long result = 1, x = AsLong(a);
            for (long n = AsLong(b); n > 0; n--)
            {
                result = Checked(() => checked(result * x));
            }

            return result;
        }

        return IsNumber(a) && IsNumber(b) ? Math.Pow(AsDouble(a), AsDouble(b)) : throw BinaryTypeError("**", a, b);
    }

    /// <summary>Python unary minus.</summary>
    public static object? Negate(object? a) => Defined(a) switch
    {
        bool or long => (object)Checked(() => checked(-AsLong(a))),
        double d => (object)(-d),
        _ => throw Error($"TypeError: bad operand type for unary -: '{TypeName(a)}'"),
    };

    private static long Checked(Func<long> f)
    {
        try
        {
            return f();
        }
        catch (OverflowException)
        {
            throw new TemplateException(TemplateErrorKind.Unsupported, "Integer arithmetic beyond 64 bits is not supported");
        }
    }

    private static TemplateException BinaryTypeError(string op, object? a, object? b) =>
        Error($"TypeError: unsupported operand type(s) for {op}: '{TypeName(a)}' and '{TypeName(b)}'");
}
