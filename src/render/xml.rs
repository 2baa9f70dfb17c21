//! Text for the inline SVG the renderers write (the summary's bar, the
//! relation graph): every value comes from authors and is escaped for XML.

/// Text as XML character data or an attribute value: markup characters as
/// entities, braces too (no directive of mdBook's or this crate's can form),
/// line breaks, other control and bidirectional characters and the two
/// non-characters XML forbids as spaces (a blank line would end the HTML
/// block the SVG stands in).
pub fn xml_text(out: &mut String, s: &str) {
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            '{' => out.push_str("&#123;"),
            '}' => out.push_str("&#125;"),
            '\u{fffe}' | '\u{ffff}' => out.push(' '),
            c if c.is_control() || crate::terminal::is_unsafe(c) => out.push(' '),
            c => out.push(c),
        }
    }
}

/// [`xml_text`] into a new string.
pub fn xml(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 8);
    xml_text(&mut out, s);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_everything_an_author_can_write() {
        assert_eq!(
            xml("<b>x</b>& \"q\" 'a' {{#include x}}\n\nend"),
            "&lt;b&gt;x&lt;/b&gt;&amp; &quot;q&quot; &#39;a&#39; &#123;&#123;#include x&#125;&#125;  end"
        );
        assert_eq!(
            xml("<b>&\"'{{#x}}]]>\u{7}\u{202e}\u{ffff}"),
            "&lt;b&gt;&amp;&quot;&#39;&#123;&#123;#x&#125;&#125;]]&gt;   "
        );
    }
}
