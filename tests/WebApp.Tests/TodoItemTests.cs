using Bunit;
using Microsoft.AspNetCore.Components.Forms;
using Microsoft.Extensions.DependencyInjection;
using WebApp.Components.Todos;
using WebApp.Todos;

namespace WebApp.Tests;

/// <summary>One todo as the page renders it, without a browser.</summary>
public sealed class TodoItemTests : BunitContext
{
    public TodoItemTests() => Services.AddSingleton<AntiforgeryStateProvider, TestAntiforgery>();

    [Fact]
    public void TheCheckboxIsNamedByTheDescriptionAndShowsCompletion()
    {
        var item = Render<TodoItem>(parameters => parameters.Add(p => p.Todo, new Todo(7, "buy milk", true, DateTimeOffset.UtcNow)));

        var checkbox = item.Find("input[type=checkbox]");
        Assert.Equal("buy milk", item.Find($"label[for={checkbox.Id}]").TextContent);
        Assert.True(checkbox.HasAttribute("checked"));
        Assert.Contains("done", item.Find("li").ClassList);
    }

    [Fact]
    public void MarkupInTheDescriptionIsRenderedAsText()
    {
        const string markup = "<img src=x onerror=alert(1)><b>bold</b>";

        var item = Render<TodoItem>(parameters => parameters.Add(p => p.Todo, new Todo(8, markup, false, DateTimeOffset.UtcNow)));

        Assert.Empty(item.FindAll("img"));
        Assert.Empty(item.FindAll("b"));
        Assert.Equal(markup, item.Find("label[for=todo-8]").TextContent);
        Assert.Equal(markup, item.Find("input[name=description]").GetAttribute("value"));
    }

    [Fact]
    public void EveryFormCarriesAnAntiforgeryToken()
    {
        var item = Render<TodoItem>(parameters => parameters.Add(p => p.Todo, new Todo(9, "x", false, DateTimeOffset.UtcNow)));

        var forms = item.FindAll("form");
        Assert.Equal(3, forms.Count);
        Assert.All(forms, form => Assert.Equal(TestAntiforgery.Value, form.QuerySelector("input[name=__RequestVerificationToken]")?.GetAttribute("value")));
    }

    private sealed class TestAntiforgery : AntiforgeryStateProvider
    {
        public const string Value = "antiforgery-for-tests";

        public override AntiforgeryRequestToken? GetAntiforgeryToken() => new(Value, "__RequestVerificationToken");
    }
}
