// The app's only script besides Blazor's (the Content-Security-Policy allows no other): small conveniences on
// top of pages that work without it.

// Checking a todo's checkbox completes it at once; without JavaScript its Save button does.
document.addEventListener('change', event => {
    const input = event.target;
    if (input instanceof HTMLInputElement && input.hasAttribute('data-submit-on-change') && input.form) {
        // With a submitter: Blazor's enhanced form handling fails on a null one and the browser reloads the page.
        input.form.requestSubmit(input.form.querySelector('button[data-change-submitter]'));
    }
});

// Clerk mode: its SDK (loaded from the Frontend API by the page) mounts sign-in, and sign-out goes through Clerk first.
function withClerk(then) {
    const script = document.querySelector('script[data-clerk-publishable-key]');
    if (!script) {
        return;
    }
    const start = async () => {
        await window.Clerk.load();
        then(window.Clerk);
    };
    if (window.Clerk) {
        start();
    } else {
        script.addEventListener('load', start, { once: true });
    }
}

function mountClerkSignIn() {
    const target = document.getElementById('clerk-sign-in');
    if (target && !target.hasChildNodes()) {
        withClerk(clerk => {
            const after = target.dataset.afterSignIn;
            clerk.mountSignIn(target, { forceRedirectUrl: after, signUpForceRedirectUrl: after });
        });
    }
}

document.addEventListener('submit', event => {
    const form = event.target;
    if (form instanceof HTMLFormElement && form.hasAttribute('data-clerk-sign-out') && window.Clerk) {
        event.preventDefault();
        event.stopImmediatePropagation();
        window.Clerk.signOut().finally(() => form.submit());
    }
}, true);

mountClerkSignIn();
if (window.Blazor) {
    window.Blazor.addEventListener('enhancedload', mountClerkSignIn);
} else {
    document.addEventListener('DOMContentLoaded', () => window.Blazor?.addEventListener('enhancedload', mountClerkSignIn));
}
