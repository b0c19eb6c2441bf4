//! The keys tests and tools press, as the protocol's key events describe them.

pub struct Key {
    pub key: &'static str,
    pub code: &'static str,
    pub key_code: u32,
    pub text: Option<&'static str>,
}

const KEYS: &[Key] = &[
    Key {
        key: "Enter",
        code: "Enter",
        key_code: 13,
        text: Some("\r"),
    },
    Key {
        key: "Tab",
        code: "Tab",
        key_code: 9,
        text: None,
    },
    Key {
        key: " ",
        code: "Space",
        key_code: 32,
        text: Some(" "),
    },
    Key {
        key: "Escape",
        code: "Escape",
        key_code: 27,
        text: None,
    },
    Key {
        key: "Backspace",
        code: "Backspace",
        key_code: 8,
        text: None,
    },
    Key {
        key: "Delete",
        code: "Delete",
        key_code: 46,
        text: None,
    },
    Key {
        key: "ArrowLeft",
        code: "ArrowLeft",
        key_code: 37,
        text: None,
    },
    Key {
        key: "ArrowUp",
        code: "ArrowUp",
        key_code: 38,
        text: None,
    },
    Key {
        key: "ArrowRight",
        code: "ArrowRight",
        key_code: 39,
        text: None,
    },
    Key {
        key: "ArrowDown",
        code: "ArrowDown",
        key_code: 40,
        text: None,
    },
    Key {
        key: "Home",
        code: "Home",
        key_code: 36,
        text: None,
    },
    Key {
        key: "End",
        code: "End",
        key_code: 35,
        text: None,
    },
    Key {
        key: "PageUp",
        code: "PageUp",
        key_code: 33,
        text: None,
    },
    Key {
        key: "PageDown",
        code: "PageDown",
        key_code: 34,
        text: None,
    },
];

pub fn definition(key: &str) -> Option<&'static Key> {
    KEYS.iter().find(|k| k.key == key)
}
