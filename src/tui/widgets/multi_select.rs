//! Multi-select: a choice list with a tick per item. Space (or the item's digit) toggles,
//! Enter confirms; none ticked is a valid answer ("none of these").

use super::choice_list::ChoiceList;

#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct MultiSelect {
    pub list: ChoiceList,
    pub ticked: Vec<bool>,
}

impl MultiSelect {
    pub fn new(ticked: Vec<bool>) -> MultiSelect {
        MultiSelect {
            list: ChoiceList::new(ticked.len(), 0),
            ticked,
        }
    }
    pub fn toggle(&mut self) {
        if let Some(t) = self.ticked.get_mut(self.list.selected) {
            *t = !*t;
        }
    }
    pub fn toggle_at(&mut self, i: usize) {
        if self.list.pick(i) {
            self.toggle();
        }
    }
}
