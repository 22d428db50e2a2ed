package e2e

import (
	"testing"
)

// TestHarnessCatchesViolations makes sure the accessibility check is not a
// no-op: a page with an image without alt text and grey-on-grey text must
// give the violations, in both colour schemes.
func TestHarnessCatchesViolations(t *testing.T) {
	p := newTab(t)
	p.open("/en/")
	evalJS[bool](p, `(() => {
		const m = document.querySelector('main');
		const img = document.createElement('img');
		img.src = '/static/favicon.svg';
		m.append(img);
		const q = document.createElement('p');
		q.textContent = 'hard to read';
		q.style.cssText = 'color: #777 !important; background: #888 !important';
		m.append(q);
		return true;
	})()`)
	has := func(vs []axeViolation, id, impact string) bool {
		for _, v := range vs {
			if v.ID == id && v.Impact == impact {
				return true
			}
		}
		return false
	}
	vs := p.axeViolations("/en/ (with faults added)", axeRunAll)
	if !has(vs, "image-alt", "critical") || !has(vs, "color-contrast", "serious") {
		t.Errorf("axe-core did not report image-alt (critical) and color-contrast (serious); got %v", vs)
	}

	p.setColorScheme("dark")
	if !evalJS[bool](p, `matchMedia('(prefers-color-scheme: dark)').matches`) {
		t.Errorf("the dark colour scheme is not emulated")
	}
	if vs := p.axeViolations("/en/ (dark, with faults added)", axeRunContrast); !has(vs, "color-contrast", "serious") {
		t.Errorf("axe-core did not report color-contrast (serious) in the dark scheme; got %v", vs)
	}
	p.setColorScheme("")
	if evalJS[bool](p, `matchMedia('(prefers-color-scheme: dark)').matches`) {
		t.Errorf("the dark colour scheme is still emulated after the reset")
	}
}
