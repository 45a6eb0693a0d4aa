//! Multi-select: a choice list with a tick per item. Arrows or the item's digit select,
//! Space toggles the selected item, Enter confirms; none ticked is a valid answer ("none of these").

use super::choice_list::ChoiceList;

#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct MultiSelect {
    pub list: ChoiceList,
    pub ticked: Vec<bool>,
    /// An item that excludes every other ("not given"): ticking it clears the rest, and
    /// ticking another clears it.
    pub exclusive: Option<usize>,
}

impl MultiSelect {
    pub fn new(ticked: Vec<bool>) -> MultiSelect {
        MultiSelect {
            list: ChoiceList::new(ticked.len(), 0),
            ticked,
            exclusive: None,
        }
    }
    pub fn toggle(&mut self) {
        let Some(i) = self.list.selected.filter(|i| *i < self.ticked.len()) else {
            return;
        };
        self.ticked[i] = !self.ticked[i];
        if self.ticked[i] {
            match self.exclusive {
                Some(x) if x == i => {
                    for (k, t) in self.ticked.iter_mut().enumerate() {
                        *t = k == x;
                    }
                }
                Some(x) => self.ticked[x] = false,
                None => {}
            }
        }
    }
}
