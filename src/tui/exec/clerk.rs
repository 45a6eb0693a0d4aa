//! The first-run screen's effect: the clerk's name, the office code and the office's name
//! written to the config file (every other line kept), and used from now on.

use super::Executor;
use crate::case::OfficeCode;
use crate::tui::msg::Msg;
use crate::tui::strings;

impl Executor {
    pub(super) fn save_clerk(
        &mut self,
        clerk_name: &str,
        office_code: &str,
        office_name: &str,
    ) -> Result<Msg, String> {
        let lang = self.lang;
        let clerk_name = clerk_name.trim();
        let office_name = office_name.trim();
        crate::eval::input::check_text(clerk_name).map_err(|t| t.get(lang).to_string())?;
        crate::eval::input::check_text(office_name).map_err(|t| t.get(lang).to_string())?;
        let code = OfficeCode::parse(office_code).map_err(|e| e.message(lang))?;
        // the store numbers its cases under one office code: a different one would only be
        // refused at the first sign-off
        if let Some(recorded) = self.store.recorded_office().map_err(|e| e.to_string())?
            && recorded != code.as_str()
        {
            return Err(strings::office_differs(lang, code.as_str(), &recorded));
        }
        let path = self
            .print
            .config_path
            .clone()
            .or_else(crate::config::path)
            .ok_or_else(|| strings::no_config_dir(lang).to_string())?;
        crate::config::set_keys(
            &path,
            &[
                ("clerk_name", clerk_name),
                ("office_code", code.as_str()),
                ("office_name", office_name),
            ],
        )
        .map_err(|e| e.to_string())?;
        self.clerk_name = Some(clerk_name.to_string());
        self.store.set_office(Some(code));
        self.print.office_name = Some(office_name.to_string());
        Ok(Msg::ClerkSaved(path.display().to_string()))
    }
}
