using System.Globalization;

namespace LibsqlClient;

/// <summary>The SQLite storage classes a value can have.</summary>
public enum LibsqlValueKind
{
    /// <summary>SQL NULL.</summary>
    Null,

    /// <summary>A 64-bit signed integer, exact (Hrana sends it as a decimal string).</summary>
    Integer,

    /// <summary>A 64-bit IEEE float.</summary>
    Float,

    /// <summary>UTF-8 text.</summary>
    Text,

    /// <summary>Bytes (base64 on the wire).</summary>
    Blob,
}

/// <summary>One SQL value, as an argument or in a row. Converts implicitly from <c>long</c>, <c>int</c>, <c>double</c>, <c>bool</c>, <c>string</c> and <c>byte[]</c>.</summary>
public readonly struct LibsqlValue : IEquatable<LibsqlValue>
{
    private readonly long _bits;
    private readonly object? _reference;

    private LibsqlValue(LibsqlValueKind kind, long bits, object? reference)
    {
        Kind = kind;
        _bits = bits;
        _reference = reference;
    }

    /// <summary>SQL NULL (also the <c>default</c> value).</summary>
    public static LibsqlValue Null => default;

    /// <summary>The value's storage class.</summary>
    public LibsqlValueKind Kind { get; }

    /// <summary>True for SQL NULL.</summary>
    public bool IsNull => Kind == LibsqlValueKind.Null;

    /// <summary>An integer value.</summary>
    public static LibsqlValue FromInt64(long value) => new(LibsqlValueKind.Integer, value, null);

    /// <summary>A float value; NaN and infinities cannot be sent (JSON has no spelling for them).</summary>
    public static LibsqlValue FromDouble(double value) => new(LibsqlValueKind.Float, BitConverter.DoubleToInt64Bits(value), null);

    /// <summary>A text value, or NULL for a null string.</summary>
    public static LibsqlValue FromString(string? value) => value is null ? Null : new(LibsqlValueKind.Text, 0, value);

    /// <summary>A blob value, or NULL for a null array. The array is kept, not copied.</summary>
    public static LibsqlValue FromBytes(byte[]? value) => value is null ? Null : new(LibsqlValueKind.Blob, 0, value);

    /// <summary>1 or 0, as SQLite stores booleans.</summary>
    public static LibsqlValue FromBoolean(bool value) => FromInt64(value ? 1 : 0);

    /// <inheritdoc cref="FromInt64"/>
    public static implicit operator LibsqlValue(long value) => FromInt64(value);

    /// <inheritdoc cref="FromInt64"/>
    public static implicit operator LibsqlValue(int value) => FromInt64(value);

    /// <inheritdoc cref="FromDouble"/>
    public static implicit operator LibsqlValue(double value) => FromDouble(value);

    /// <inheritdoc cref="FromBoolean"/>
    public static implicit operator LibsqlValue(bool value) => FromBoolean(value);

    /// <inheritdoc cref="FromString"/>
    public static implicit operator LibsqlValue(string? value) => FromString(value);

    /// <inheritdoc cref="FromBytes"/>
    public static implicit operator LibsqlValue(byte[]? value) => FromBytes(value);

    /// <summary>The integer; throws for any other kind.</summary>
    public long AsInt64() => Kind == LibsqlValueKind.Integer ? _bits : throw WrongKind("an integer");

    /// <summary>The float, or an integer widened to a double; throws for any other kind.</summary>
    public double AsDouble() => Kind switch
    {
        LibsqlValueKind.Float => BitConverter.Int64BitsToDouble(_bits),
        LibsqlValueKind.Integer => _bits,
        _ => throw WrongKind("a number"),
    };

    /// <summary>The text; throws for any other kind.</summary>
    public string AsString() => Kind == LibsqlValueKind.Text ? (string)_reference! : throw WrongKind("text");

    /// <summary>The bytes; throws for any other kind.</summary>
    public byte[] AsBytes() => Kind == LibsqlValueKind.Blob ? (byte[])_reference! : throw WrongKind("a blob");

    /// <summary>The integer, or false/true for 0/other; throws for any other kind.</summary>
    public bool AsBoolean() => AsInt64() != 0;

    /// <summary>The value as <c>long</c>, <c>double</c>, <c>string</c>, <c>byte[]</c> or null.</summary>
    public object? ToObject() => Kind switch
    {
        LibsqlValueKind.Integer => _bits,
        LibsqlValueKind.Float => AsDouble(),
        LibsqlValueKind.Null => null,
        _ => _reference,
    };

    /// <summary>Same kind and same value; floats compare bit for bit (so -0.0 differs from 0.0), blobs byte for byte.</summary>
    public bool Equals(LibsqlValue other) => Kind == other.Kind && Kind switch
    {
        LibsqlValueKind.Text => string.Equals((string)_reference!, (string)other._reference!, StringComparison.Ordinal),
        LibsqlValueKind.Blob => ((byte[])_reference!).AsSpan().SequenceEqual((byte[])other._reference!),
        _ => _bits == other._bits,
    };

    /// <inheritdoc/>
    public override bool Equals(object? obj) => obj is LibsqlValue other && Equals(other);

    /// <inheritdoc/>
    public override int GetHashCode() => Kind switch
    {
        LibsqlValueKind.Text => HashCode.Combine(Kind, ((string)_reference!).GetHashCode(StringComparison.Ordinal)),
        LibsqlValueKind.Blob => HashCode.Combine(Kind, ((byte[])_reference!).Length),
        _ => HashCode.Combine(Kind, _bits),
    };

    /// <summary>Equality as <see cref="Equals(LibsqlValue)"/>.</summary>
    public static bool operator ==(LibsqlValue left, LibsqlValue right) => left.Equals(right);

    /// <summary>Inequality as <see cref="Equals(LibsqlValue)"/>.</summary>
    public static bool operator !=(LibsqlValue left, LibsqlValue right) => !left.Equals(right);

    /// <inheritdoc/>
    public override string ToString() => Kind switch
    {
        LibsqlValueKind.Null => "NULL",
        LibsqlValueKind.Integer => _bits.ToString(CultureInfo.InvariantCulture),
        LibsqlValueKind.Float => AsDouble().ToString("R", CultureInfo.InvariantCulture),
        LibsqlValueKind.Text => (string)_reference!,
        _ => $"blob ({((byte[])_reference!).Length} bytes)",
    };

    private InvalidCastException WrongKind(string wanted) => new($"The value is {Kind}, not {wanted}.");
}
